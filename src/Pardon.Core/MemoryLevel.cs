// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core;

/// <summary>
/// A level of available memory: a percentage of the scope's total ("10%") or a size ("512MiB").
/// Sizes use binary units: K/KiB, M/MiB, G/GiB, T/TiB (a trailing "B" alone means bytes).
/// </summary>
public readonly record struct MemoryLevel
{
    private MemoryLevel(double? percent, long? kib)
    {
        Percent = percent;
        KiB = kib;
    }

    public double? Percent { get; }

    public long? KiB { get; }

    public static MemoryLevel FromPercent(double percent) => new(percent, null);

    public static MemoryLevel FromKiB(long kib) => new(null, kib);

    /// <summary>The level in KiB for a scope of <paramref name="totalKiB"/>.</summary>
    public long ToKiB(long totalKiB) => Percent is double p ? (long)(totalKiB * p / 100.0) : KiB ?? 0;

    public static bool TryParse(string text, out MemoryLevel level, out string error)
    {
        level = default;
        text = text.Trim();
        if (text.EndsWith('%'))
        {
            if (!double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double p) || p < 0 || p > 100)
            {
                error = $"\"{text}\" is not a percentage between 0% and 100%";
                return false;
            }

            level = FromPercent(p);
            error = "";
            return true;
        }

        if (!Sizes.TryParseBytes(text, out long bytes, out error))
        {
            error = $"\"{text}\" is neither a percentage nor a size (examples: \"10%\", \"512MiB\", \"2GiB\")";
            return false;
        }

        level = FromKiB(bytes / 1024);
        return true;
    }

    public override string ToString()
        => Percent is double p ? p.ToString("0.##", CultureInfo.InvariantCulture) + "%" : Sizes.Format(KiB.GetValueOrDefault() * 1024);
}
