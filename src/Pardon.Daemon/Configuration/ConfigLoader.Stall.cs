// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.Core;
using Pardon.Core.Stall;

namespace Pardon.Daemon.Configuration;

public static partial class ConfigLoader
{
    /// <summary>The stall criterion's keys in the "thresholds" object.</summary>
    internal static readonly string[] StallKeys = ["stall_above", "stall_for", "stall_kind"];

    /// <summary>Applies one of <see cref="StallKeys"/>; false when <paramref name="name"/> is not one of them.</summary>
    internal static bool TryApplyStall(PardonConfig config, string name, JsonElement e, string path, Validator v)
    {
        switch (name)
        {
            case "stall_above":
                if (v.String(e, path) is string above)
                {
                    if (StallSettings.TryParseAbove(above, out double? percent, out string error))
                    {
                        config.Stall = config.Stall with { AbovePercent = percent };
                    }
                    else
                    {
                        v.Error(path, error);
                    }
                }

                return true;
            case "stall_for":
                if (v.Duration(e, path, TimeSpan.FromMilliseconds(StallSettings.MinForMs), TimeSpan.FromMilliseconds(StallSettings.MaxForMs)) is TimeSpan d)
                {
                    config.Stall = config.Stall with { ForMs = (long)d.TotalMilliseconds };
                }

                return true;
            case "stall_kind":
                if (v.String(e, path) is string kindText)
                {
                    if (StallSettings.TryParseKind(kindText, out StallKind kind, out string error))
                    {
                        config.Stall = config.Stall with { Kind = kind };
                    }
                    else
                    {
                        v.Error(path, error);
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>Lays --stall-above and --stall-for over the configuration; problems are named by their flag.</summary>
    public static void ApplyStallOverrides(PardonConfig config, double? above, bool off, TimeSpan? stallFor)
    {
        if (off)
        {
            config.Stall = config.Stall with { AbovePercent = null };
        }
        else if (above is double percent)
        {
            config.Stall = config.Stall with { AbovePercent = percent };
        }

        if (stallFor is TimeSpan d)
        {
            if (!StallSettings.TryCheckFor(d, out string error))
            {
                throw new ConfigException("command line", ["--stall-for: " + error]);
            }

            config.Stall = config.Stall with { ForMs = (long)d.TotalMilliseconds };
        }
    }

    /// <summary>The stall keys, as --print-config writes them.</summary>
    internal static void WriteStall(Utf8JsonWriter w, PardonConfig c)
    {
        w.WriteString("stall_above", c.Stall.AboveText);
        w.WriteString("stall_for", Sizes.FormatDuration(TimeSpan.FromMilliseconds(c.Stall.ForMs)));
        w.WriteString("stall_kind", c.Stall.KindText);
    }
}
