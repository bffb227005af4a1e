// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Metrics;

/// <summary>
/// A Prometheus histogram with fixed buckets (seconds): observed on the event pipeline's thread, read by
/// scrapes. A small lock keeps the buckets, the count and the sum of one snapshot consistent (the format
/// requires the +Inf bucket to equal the count); the monitor never touches it.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Reaction latency (a level crossed → the victim gone): a few ms for a small victim, seconds for a large or stuck one.</summary>
    public static readonly double[] ReactionBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    /// <summary>Decision time (a level crossed → the signal sent): Pardon's own work, a scan and a ranking.</summary>
    public static readonly double[] DecisionBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private readonly Lock _lock = new();
    private readonly double[] _bounds;
    private readonly long[] _counts;
    private long _count;
    private double _sum;

    public LatencyHistogram(double[] upperBounds)
    {
        _bounds = upperBounds;
        _counts = new long[upperBounds.Length];
    }

    public void Observe(double seconds)
    {
        if (double.IsNaN(seconds))
        {
            return;
        }

        lock (_lock)
        {
            for (int i = 0; i < _bounds.Length; i++)
            {
                if (seconds <= _bounds[i])
                {
                    _counts[i]++;
                    break;
                }
            }

            _count++;
            _sum += seconds;
        }
    }

    public HistogramSnapshot Snapshot()
    {
        lock (_lock)
        {
            long[] cumulative = new long[_counts.Length];
            long running = 0;
            for (int i = 0; i < _counts.Length; i++)
            {
                running += _counts[i];
                cumulative[i] = running;
            }

            return new HistogramSnapshot(_bounds, cumulative, _count, _sum);
        }
    }
}
