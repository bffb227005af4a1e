// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Metrics;

public sealed partial class PrometheusWriter
{
    /// <summary>The memory-stall (PSI) families: the stall over the criterion's window, the criterion, the kernel's averages.</summary>
    private void WriteStall(MetricsSnapshot s, string scope)
    {
        StallStatus? st = s.Stall;
        bool measured = st?.Source is not null;
        Metric("pardon_stall_ratio", "gauge", "Share of the stall window the scope's tasks waited on memory (PSI, of the configured kind; a lower bound from the total= counter); NaN without a PSI source.", scope,
            measured ? st!.Percent / 100 : double.NaN);
        Metric("pardon_stall_threshold_ratio", "gauge", "The stall criterion's share (thresholds.stall_above); NaN when the criterion is off.", scope,
            st?.AbovePercent is double above ? above / 100 : double.NaN);
        Metric("pardon_stall_window_seconds", "gauge", "The stall criterion's window (thresholds.stall_for).", scope, (st?.WindowMs ?? 0) / 1000.0);
        Metric("pardon_stall_sustained_seconds", "gauge", "How long the stall has held half the criterion's share in every tenth of the window, counting back from now.", scope, (st?.SustainedMs ?? 0) / 1000.0);
        Metric("pardon_stall_avg10_ratio", "gauge", "The kernel's 10 s average of the same PSI line; NaN without a PSI source.", scope, measured ? st!.Avg10 / 100 : double.NaN);
        Metric("pardon_stall_avg60_ratio", "gauge", "The kernel's 60 s average of the same PSI line; NaN without a PSI source.", scope, measured ? st!.Avg60 / 100 : double.NaN);
        Metric("pardon_stall_kills_total", "counter", "Victims signalled because the memory-stall criterion was met (also in pardon_kills_total).", scope, st?.Kills ?? 0);
    }
}
