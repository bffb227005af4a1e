// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Stall;

/// <summary>
/// The PSI trigger that wakes the daemon when a stall begins (Documentation/accounting/psi.rst, "Monitoring
/// for pressure thresholds"): "&lt;kind&gt; &lt;threshold µs&gt; &lt;window µs&gt;". It only wakes; the
/// criterion is judged from the counter afterwards. psi_trigger_create() lets a writer without
/// CAP_SYS_RESOURCE (root included, as on hosts that drop it) use only windows that are multiples of 2 s,
/// checked by the 2 s averaging worker; with the capability any window up to 10 s, checked by the real-time
/// poller ten times per window.
/// </summary>
public readonly record struct StallWakeTrigger(StallKind Kind, long ThresholdUs, long WindowUs)
{
    /// <summary>
    /// The trigger for <paramref name="settings"/>: a window of 1 s (privileged) or 2 s (the shortest allowed
    /// otherwise), firing at a quarter of the criterion's share within it — early enough that the readings
    /// start long before the criterion can be met, late enough that background reclaim does not wake us.
    /// </summary>
    public static StallWakeTrigger For(StallSettings settings, bool privileged)
    {
        long windowUs = privileged ? 1_000_000 : 2_000_000;
        double share = (settings.AbovePercent ?? 100) / 4 / 100;
        long threshold = Math.Clamp((long)(windowUs * share), 1_000, windowUs);
        return new StallWakeTrigger(settings.Kind, threshold, windowUs);
    }

    /// <summary>The text written to the pressure file.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(Kind == StallKind.Full ? "full" : "some")} {ThresholdUs} {WindowUs}");
}
