// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core;

/// <summary>Parses and prints the sizes and durations of the configuration and command line.</summary>
public static class Sizes
{
    /// <summary>"512MiB", "1.5G", "64k", "4096B". Units are binary; a bare number is rejected as ambiguous.</summary>
    public static bool TryParseBytes(string text, out long bytes, out string error)
    {
        bytes = 0;
        error = "";
        text = text.Trim();
        int i = 0;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }

        if (i == 0 || !double.TryParse(text.AsSpan(0, i), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
        {
            error = $"\"{text}\" is not a size (examples: \"512MiB\", \"2GiB\")";
            return false;
        }

        string unit = text[i..].Trim();
        double multiplier = unit.ToUpperInvariant() switch
        {
            "B" => 1,
            "K" or "KB" or "KIB" => 1024.0,
            "M" or "MB" or "MIB" => 1024.0 * 1024,
            "G" or "GB" or "GIB" => 1024.0 * 1024 * 1024,
            "T" or "TB" or "TIB" => 1024.0 * 1024 * 1024 * 1024,
            _ => 0,
        };
        if (multiplier == 0)
        {
            error = unit.Length == 0
                ? $"\"{text}\" has no unit (write \"{text}MiB\" or \"{text}B\")"
                : $"\"{text}\": unknown unit \"{unit}\" (use B, KiB, MiB, GiB or TiB)";
            return false;
        }

        double value = number * multiplier;
        if (value > long.MaxValue / 2)
        {
            error = $"\"{text}\" is too large";
            return false;
        }

        bytes = (long)value;
        return true;
    }

    /// <summary>The longest duration any text may name (about 100 years); each setting has its own, narrower range.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36_500);

    /// <summary>"500ms", "30s", "5m", "2h", "1d". A bare number is rejected as ambiguous; so is anything longer than <see cref="MaxDuration"/>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration, out string error)
    {
        duration = default;
        error = "";
        text = text.Trim();
        int i = 0;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }

        if (i == 0 || !double.TryParse(text.AsSpan(0, i), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
        {
            error = $"\"{text}\" is not a duration (examples: \"500ms\", \"30s\", \"10m\", \"2h\")";
            return false;
        }

        double ms = text[i..].Trim() switch
        {
            "ms" => number,
            "s" => number * 1000,
            "m" or "min" => number * 60_000,
            "h" => number * 3_600_000,
            "d" => number * 86_400_000,
            _ => -1,
        };
        if (ms < 0)
        {
            error = $"\"{text}\" is not a duration (use ms, s, m, h or d, e.g. \"30s\")";
            return false;
        }

        // Checked before TimeSpan sees it: TimeSpan.FromMilliseconds throws on a value it cannot hold, and a
        // typo ("99999999999d") must be an error message, not an exception that stops the daemon.
        if (!double.IsFinite(ms) || ms > MaxDuration.TotalMilliseconds)
        {
            error = $"\"{text}\" is too long (at most {FormatDuration(MaxDuration)})";
            return false;
        }

        duration = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    public static string Format(long bytes)
    {
        if (bytes % (1024L * 1024 * 1024 * 1024) == 0 && bytes != 0)
        {
            return (bytes / (1024L * 1024 * 1024 * 1024)).ToString(CultureInfo.InvariantCulture) + "TiB";
        }

        if (bytes % (1024L * 1024 * 1024) == 0 && bytes != 0)
        {
            return (bytes / (1024L * 1024 * 1024)).ToString(CultureInfo.InvariantCulture) + "GiB";
        }

        if (bytes % (1024L * 1024) == 0 && bytes != 0)
        {
            return (bytes / (1024L * 1024)).ToString(CultureInfo.InvariantCulture) + "MiB";
        }

        if (bytes % 1024 == 0)
        {
            return (bytes / 1024).ToString(CultureInfo.InvariantCulture) + "KiB";
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }

    public static string FormatDuration(TimeSpan d)
    {
        double ms = d.TotalMilliseconds;
        if (ms % 86_400_000 == 0 && ms > 0)
        {
            return (ms / 86_400_000).ToString(CultureInfo.InvariantCulture) + "d";
        }

        if (ms % 3_600_000 == 0 && ms > 0)
        {
            return (ms / 3_600_000).ToString(CultureInfo.InvariantCulture) + "h";
        }

        if (ms % 60_000 == 0 && ms > 0)
        {
            return (ms / 60_000).ToString(CultureInfo.InvariantCulture) + "m";
        }

        if (ms % 1000 == 0)
        {
            return (ms / 1000).ToString(CultureInfo.InvariantCulture) + "s";
        }

        return ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
