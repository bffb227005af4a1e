// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Metrics;

public sealed partial class PrometheusWriter
{
    /// <summary>The memory-stall (PSI) families, one sample per scope: the stall over the criterion's window, the criterion, the kernel's averages.</summary>
    private void WriteStall(List<ScopeMetrics> scopes)
    {
        PerScope("pardon_stall_ratio", "gauge", "Share of the stall window the scope's tasks waited on memory (PSI, of the configured kind; a lower bound from the total= counter); NaN without a PSI source.", scopes,
            m => m.Stall is { Source: not null } st ? st.Percent / 100 : double.NaN);
        PerScope("pardon_stall_threshold_ratio", "gauge", "The stall criterion's share (thresholds.stall_above); NaN when the criterion is off.", scopes,
            m => m.Stall?.AbovePercent is double above ? above / 100 : double.NaN);
        PerScope("pardon_stall_window_seconds", "gauge", "The stall criterion's window (thresholds.stall_for).", scopes, m => (m.Stall?.WindowMs ?? 0) / 1000.0);
        PerScope("pardon_stall_sustained_seconds", "gauge", "How long the stall has held half the criterion's share in every tenth of the window, counting back from now.", scopes, m => (m.Stall?.SustainedMs ?? 0) / 1000.0);
        PerScope("pardon_stall_avg10_ratio", "gauge", "The kernel's 10 s average of the same PSI line; NaN without a PSI source.", scopes, m => m.Stall is { Source: not null } st ? st.Avg10 / 100 : double.NaN);
        PerScope("pardon_stall_avg60_ratio", "gauge", "The kernel's 60 s average of the same PSI line; NaN without a PSI source.", scopes, m => m.Stall is { Source: not null } st ? st.Avg60 / 100 : double.NaN);
        PerScope("pardon_stall_kills_total", "counter", "Victims signalled because the memory-stall criterion was met (also in pardon_kills_total).", scopes, m => m.Stall?.Kills ?? 0);
    }
}
