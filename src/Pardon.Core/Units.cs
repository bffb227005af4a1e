// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core;

/// <summary>Human-readable sizes and durations.</summary>
public static class Units
{
    /// <summary>"512 KiB", "12.3 MiB", "1.50 GiB".</summary>
    public static string FormatKiB(long kib)
    {
        if (kib < 0)
        {
            return "-" + FormatKiB(-kib);
        }

        if (kib < 1024)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{kib} KiB");
        }

        double mib = kib / 1024.0;
        if (mib < 1024)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{mib:0.#} MiB");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{mib / 1024:0.##} GiB");
    }

    public static string FormatPages(long pages, long pageSize) => FormatKiB(pages * (pageSize / 1024));

    /// <summary>"850 ms", "12 s", "3 min".</summary>
    public static string FormatDuration(long ms)
    {
        if (ms < 1000)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ms} ms");
        }

        if (ms < 120_000)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ms / 1000.0:0.#} s");
        }

        if (ms < 7_200_000)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ms / 60_000} min");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{ms / 3_600_000.0:0.#} h");
    }
}
