// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Metrics;

public sealed partial class PrometheusWriter
{
    /// <summary>
    /// The forecast of `pardon status` (the first watched scope's, which status describes): the fill rate and the
    /// seconds to the terminate level and to the kernel's OOM at that rate, labelled with that scope.
    /// </summary>
    private void WriteForecast(MetricsSnapshot s)
    {
        if (s.Scopes.Count == 0)
        {
            return;
        }

        string scope = s.Scopes[0].Scope;
        Metric("pardon_fill_rate_bytes_per_second", "gauge", "How fast available memory falls (least squares over the last 10 s of readings); negative while it grows, NaN when unknown.", scope, s.FillBytesPerSecond);
        Metric("pardon_seconds_to_term_level", "gauge", "Seconds until the SIGTERM level at that rate; 0 when reached, NaN when memory is not filling.", scope, s.SecondsToTerm);
        Metric("pardon_seconds_to_kernel_oom", "gauge", "Seconds until the kernel's OOM (the memcg that fails first) at that rate; 0 when due, NaN when memory is not filling.", scope, s.SecondsToOom);
    }
}
