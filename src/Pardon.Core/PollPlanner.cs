// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// Decides how long the monitor may sleep: long enough to cost nothing when memory is plentiful, short
/// enough that memory consumed at the fastest plausible rate cannot cross the terminate level unseen.
/// The rate is the larger of an assumed worst case and the rate actually observed (with a margin), so a
/// fast leak tightens the loop by itself. Pure arithmetic; the caller passes readings in.
/// </summary>
public struct PollPlanner
{
    private long _lastAvailableKiB;
    private long _lastMs;
    private double _observedKiBPerMs;
    private bool _hasLast;

    public PollPlanner(double minMs, double maxMs, double assumedKiBPerMs)
    {
        MinMs = minMs;
        MaxMs = maxMs;
        AssumedKiBPerMs = assumedKiBPerMs;
    }

    public double MinMs { get; }

    public double MaxMs { get; }

    public double AssumedKiBPerMs { get; }

    /// <summary>The fill rate seen recently (KiB per millisecond), decaying when memory stops falling.</summary>
    public readonly double ObservedKiBPerMs => _observedKiBPerMs;

    /// <summary>Records a reading and returns how long to sleep before the next, in milliseconds.</summary>
    public double Next(long availableKiB, long termKiB, long nowMs)
    {
        if (_hasLast && nowMs > _lastMs)
        {
            double rate = (double)(_lastAvailableKiB - availableKiB) / (nowMs - _lastMs);

            // Falling memory raises the estimate at once; otherwise it halves per reading.
            _observedKiBPerMs = rate > _observedKiBPerMs ? rate : _observedKiBPerMs * 0.5;
        }

        _lastAvailableKiB = availableKiB;
        _lastMs = nowMs;
        _hasLast = true;

        long headroom = availableKiB - termKiB;
        if (headroom <= 0)
        {
            return MinMs;
        }

        double rateKiBPerMs = Math.Max(AssumedKiBPerMs, _observedKiBPerMs * 1.5);
        return Math.Clamp(headroom / rateKiBPerMs, MinMs, MaxMs);
    }
}
