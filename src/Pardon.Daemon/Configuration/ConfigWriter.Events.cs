// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.Core;

namespace Pardon.Daemon.Configuration;

public static partial class ConfigWriter
{
    /// <summary>`events`, `hooks` and `notifications`, as <see cref="ConfigLoader"/> reads them.</summary>
    private static void WriteEventSections(Utf8JsonWriter w, PardonConfig c)
    {
        w.WriteStartObject("events");
        WriteNullable(w, "file", c.EventsFile);
        w.WriteNumber("queue", c.EventsQueue);
        w.WriteString("coalesce_window", Sizes.FormatDuration(c.EventsCoalesceWindow));
        w.WriteString("journal", c.EventsJournal ? "auto" : "off");
        w.WriteEndObject();

        w.WriteStartObject("hooks");
        WriteHooks(w, "on_kill", c.HooksOnKill);
        WriteHooks(w, "on_pressure", c.HooksOnPressure);
        WriteHooks(w, "on_warning", c.HooksOnWarning);
        w.WriteString("timeout", Sizes.FormatDuration(c.HooksTimeout));
        w.WriteNumber("max_concurrent", c.HooksMaxConcurrent);
        w.WriteEndObject();

        w.WriteStartObject("notifications");
        w.WriteBoolean("enabled", c.NotificationsEnabled);
        w.WriteBoolean("warnings", c.NotificationsWarnings);
        w.WriteString("min_interval", Sizes.FormatDuration(c.NotificationsMinInterval));
        w.WriteEndObject();
    }

    private static void WriteHooks(Utf8JsonWriter w, string name, List<HookCommand> hooks)
    {
        w.WriteStartArray(name);
        foreach (HookCommand h in hooks)
        {
            w.WriteStartArray();
            w.WriteStringValue(h.Path);
            foreach (string a in h.Arguments)
            {
                w.WriteStringValue(a);
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
    }
}
