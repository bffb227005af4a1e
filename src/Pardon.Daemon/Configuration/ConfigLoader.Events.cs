// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;

namespace Pardon.Daemon.Configuration;

public static partial class ConfigLoader
{
    /// <summary>The top-level sections the event pipeline owns.</summary>
    internal static readonly string[] EventSections = ["events", "hooks", "notifications"];

    /// <summary>Reads `events`, `hooks` and `notifications` (docs/configuration.md).</summary>
    private static void ApplyEventSection(PardonConfig config, string name, JsonElement value, string path, Validator v)
    {
        switch (name)
        {
            case "events":
                v.Object(value, path, ["file", "queue", "coalesce_window", "journal"], (n, e, p) =>
                {
                    switch (n)
                    {
                        case "file":
                            config.EventsFile = v.NullableString(e, p);
                            break;
                        case "queue":
                            if (v.Number(e, p, 16, 1_000_000) is double q)
                            {
                                config.EventsQueue = (int)q;
                            }

                            break;
                        case "coalesce_window":
                            if (v.Duration(e, p, min: TimeSpan.Zero, max: TimeSpan.FromMinutes(10)) is TimeSpan w)
                            {
                                config.EventsCoalesceWindow = w;
                            }

                            break;
                        default:
                            string? mode = v.String(e, p);
                            if (mode is "auto" or "off")
                            {
                                config.EventsJournal = mode == "auto";
                            }
                            else if (mode is not null)
                            {
                                v.Error(p, $"\"{mode}\" is not \"auto\" or \"off\"");
                            }

                            break;
                    }
                });
                break;
            case "hooks":
                v.Object(value, path, ["on_kill", "on_pressure", "on_warning", "timeout", "max_concurrent"], (n, e, p) =>
                {
                    switch (n)
                    {
                        case "timeout":
                            if (v.Duration(e, p, min: TimeSpan.FromMilliseconds(100), max: TimeSpan.FromHours(1)) is TimeSpan t)
                            {
                                config.HooksTimeout = t;
                            }

                            break;
                        case "max_concurrent":
                            if (v.Number(e, p, 1, 64) is double c)
                            {
                                config.HooksMaxConcurrent = (int)c;
                            }

                            break;
                        default:
                            List<HookCommand> hooks = v.Array(e, p, (x, xp) => Hook(x, xp, v));
                            if (n == "on_kill")
                            {
                                config.HooksOnKill = hooks;
                            }
                            else if (n == "on_pressure")
                            {
                                config.HooksOnPressure = hooks;
                            }
                            else
                            {
                                config.HooksOnWarning = hooks;
                            }

                            break;
                    }
                });
                break;
            default:
                v.Object(value, path, ["enabled", "warnings", "min_interval"], (n, e, p) =>
                {
                    if (n == "min_interval")
                    {
                        if (v.Duration(e, p, min: TimeSpan.Zero, max: TimeSpan.FromDays(1)) is TimeSpan i)
                        {
                            config.NotificationsMinInterval = i;
                        }
                    }
                    else if (v.Bool(e, p) is bool b)
                    {
                        if (n == "enabled")
                        {
                            config.NotificationsEnabled = b;
                        }
                        else
                        {
                            config.NotificationsWarnings = b;
                        }
                    }
                });
                break;
        }
    }

    /// <summary>A hook: "/path/to/program" or ["/path/to/program", "arg", ...]; the program's path must be absolute.</summary>
    private static HookCommand? Hook(JsonElement e, string path, Validator v)
    {
        List<string> words;
        if (e.ValueKind == JsonValueKind.String)
        {
            words = [e.GetString()!];
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            words = v.Array(e, path, (x, xp) => v.String(x, xp));
            if (words.Count == 0)
            {
                v.Error(path, "an empty command; give [\"/path/to/program\", \"argument\", ...]");
                return null;
            }
        }
        else
        {
            v.Error(path, "expected \"/path/to/program\" or [\"/path/to/program\", \"argument\", ...]");
            return null;
        }

        if (!words[0].StartsWith('/'))
        {
            v.Error(path, $"\"{words[0]}\" is not an absolute path (hooks run without a shell or a PATH search)");
            return null;
        }

        return new HookCommand(words[0], words[1..]);
    }
}
