// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core.Stall;

/// <summary>
/// The stall criterion as configured: act when the scope's memory stall (PSI "full" by default) took more than
/// <see cref="AbovePercent"/> of the last <see cref="ForMs"/>, sustained through it. Off when
/// <see cref="AbovePercent"/> is null.
/// </summary>
public sealed record StallSettings
{
    /// <summary>The default share (see docs/configuration.md for why 40 %).</summary>
    public const double DefaultAbovePercent = 10;

    /// <summary>The default window (see docs/configuration.md for why 10 s).</summary>
    public const long DefaultForMs = 10_000;

    /// <summary>
    /// The shortest window: one sample spacing must fit many times into it, and the kernel's averages behind an
    /// unprivileged PSI trigger are 2 s apart (kernel/sched/psi.c, PSI_FREQ).
    /// </summary>
    public const long MinForMs = 2_000;

    /// <summary>
    /// The longest window. A freeze worth ending is ended in seconds; a longer window only keeps the scope
    /// frozen longer before anything happens (systemd-oomd's own default, 30 s of avg10, is the far end).
    /// </summary>
    public const long MaxForMs = 60_000;

    /// <summary>Everything off: the criterion never fires and no PSI source is needed.</summary>
    public static StallSettings Off { get; } = new() { AbovePercent = null };

    public static StallSettings Default { get; } = new();

    /// <summary>The share of wall time, in percent (exclusive of 0, up to 100); null turns the criterion off.</summary>
    public double? AbovePercent { get; init; } = DefaultAbovePercent;

    /// <summary>The window, in milliseconds.</summary>
    public long ForMs { get; init; } = DefaultForMs;

    public StallKind Kind { get; init; } = StallKind.Full;

    public bool Enabled => AbovePercent is not null;

    /// <summary>
    /// The share every tenth of the window must reach for the stall to count as sustained: half the criterion.
    /// A burst shorter than the window leaves a tenth with less and so never fires the criterion; a real
    /// thrash, whose stall comes in many short waits, fills every tenth.
    /// </summary>
    public double SliceFloorPercent => (AbovePercent ?? 0) / 2;

    /// <summary>The spacing of readings while a stall is being watched: a twentieth of the window, 100 ms to 1 s.</summary>
    public long ResolutionMs => Math.Clamp(ForMs / 20, 100, 1000);

    /// <summary>"40%" or "off", as the configuration writes it.</summary>
    public string AboveText => AbovePercent is double p ? p.ToString("0.##", CultureInfo.InvariantCulture) + "%" : "off";

    public string KindText => Kind == StallKind.Full ? "full" : "some";

    /// <summary>Parses "40%", "12.5%" or "off" (a share of wall time above 0 and at most 100 %).</summary>
    public static bool TryParseAbove(string text, out double? percent, out string error)
    {
        percent = null;
        error = "";
        string t = text.Trim();
        if (t.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!t.EndsWith('%') ||
            !double.TryParse(t.AsSpan(0, t.Length - 1).Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double p))
        {
            error = $"\"{text}\" is not a share of time (examples: \"40%\", or \"off\")";
            return false;
        }

        if (p <= 0 || p > 100)
        {
            error = $"\"{text}\" is out of range (above 0% and at most 100%, or \"off\")";
            return false;
        }

        percent = p;
        return true;
    }

    /// <summary>Parses "full" or "some".</summary>
    public static bool TryParseKind(string text, out StallKind kind, out string error)
    {
        error = "";
        switch (text.Trim().ToLowerInvariant())
        {
            case "full":
                kind = StallKind.Full;
                return true;
            case "some":
                kind = StallKind.Some;
                return true;
            default:
                kind = StallKind.Full;
                error = $"\"{text}\" is not a stall kind (use \"full\": every task stalled, or \"some\": at least one)";
                return false;
        }
    }

    /// <summary>Checks a window given as a duration; the error says the range.</summary>
    public static bool TryCheckFor(TimeSpan duration, out string error)
    {
        error = "";
        if (duration.TotalMilliseconds < MinForMs || duration.TotalMilliseconds > MaxForMs)
        {
            error = $"\"{Sizes.FormatDuration(duration)}\" is out of range ({MinForMs / 1000}s to {MaxForMs / 1000}s)";
            return false;
        }

        return true;
    }
}
