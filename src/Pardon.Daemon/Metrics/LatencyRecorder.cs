// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Daemon.Events;

namespace Pardon.Daemon.Metrics;

/// <summary>
/// Fills the reaction-latency and decision-time histograms per scope from the events themselves: `kill`'s
/// `decision_ms` (a level crossed → the signal) and `victim_exited`'s `latency_ms` (→ the victim gone).
/// Both are kill-critical events, never dropped, so every kill is counted. An event without a `scope`
/// belongs to <paramref name="defaultScope"/> (today's single-scope daemon).
/// </summary>
public sealed class LatencyRecorder(string defaultScope) : IEventConsumer
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (LatencyHistogram Reaction, LatencyHistogram Decision)> _scopes = [];

    public void OnEvent(DaemonEvent e)
    {
        double? ms = e.Event switch
        {
            "kill" when e.Escalated != true && e.DryRun != true => e.DecisionMs,
            "victim_exited" => e.LatencyMs,
            _ => null,
        };
        if (ms is not double value)
        {
            return;
        }

        (LatencyHistogram reaction, LatencyHistogram decision) = For(e.Scope ?? defaultScope);
        (e.Event == "kill" ? decision : reaction).Observe(value / 1000.0);
    }

    /// <summary>The histograms of <paramref name="scope"/> (empty ones for a scope without kills).</summary>
    public (HistogramSnapshot Reaction, HistogramSnapshot Decision) Snapshot(string scope)
    {
        lock (_lock)
        {
            return _scopes.TryGetValue(scope, out var h)
                ? (h.Reaction.Snapshot(), h.Decision.Snapshot())
                : (HistogramSnapshot.Empty(LatencyHistogram.ReactionBuckets), HistogramSnapshot.Empty(LatencyHistogram.DecisionBuckets));
        }
    }

    private (LatencyHistogram, LatencyHistogram) For(string scope)
    {
        lock (_lock)
        {
            if (!_scopes.TryGetValue(scope, out var h))
            {
                _scopes[scope] = h = (new LatencyHistogram(LatencyHistogram.ReactionBuckets), new LatencyHistogram(LatencyHistogram.DecisionBuckets));
            }

            return h;
        }
    }
}
