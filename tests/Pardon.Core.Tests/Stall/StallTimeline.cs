// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests.Stall;

/// <summary>
/// A made-up stall history for tests: consecutive segments, each stalling a fixed share of its time (in
/// permille, so the PSI-like counter is an exact number of microseconds). The truth the readings are checked against.
/// </summary>
internal sealed class StallTimeline
{
    private readonly List<(long StartMs, long EndMs, int Permille)> _segments = [];

    public long EndMs { get; private set; }

    /// <summary>Appends <paramref name="ms"/> milliseconds stalled at <paramref name="percent"/> % (whole permille).</summary>
    public StallTimeline Then(long ms, double percent)
    {
        _segments.Add((EndMs, EndMs + ms, (int)Math.Round(percent * 10)));
        EndMs += ms;
        return this;
    }

    public StallTimeline ThenPermille(long ms, int permille)
    {
        _segments.Add((EndMs, EndMs + ms, permille));
        EndMs += ms;
        return this;
    }

    /// <summary>The counter at <paramref name="atMs"/>: microseconds stalled since 0.</summary>
    public long TotalUs(long atMs)
    {
        long total = 0;
        foreach ((long start, long end, int permille) in _segments)
        {
            if (start >= atMs)
            {
                break;
            }

            total += (Math.Min(end, atMs) - start) * permille;
        }

        return total;
    }

    /// <summary>The true share of [from, to] stalled, in percent.</summary>
    public double SharePercent(long fromMs, long toMs) => (TotalUs(toMs) - TotalUs(fromMs)) / ((toMs - fromMs) * 10.0);
}
