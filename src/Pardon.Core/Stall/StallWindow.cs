// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Stall;

/// <summary>
/// Readings of one PSI <c>total=</c> counter (microseconds of stall since boot; Documentation/accounting/psi.rst)
/// kept in a fixed ring, from which the stall inside any interval of the recent past is bounded exactly.
/// Between two readings the counter is known only at the readings, but it can rise at most as fast as wall time
/// (PSI aggregates per-CPU stall weighted by each CPU's share of non-idle time, so the total never exceeds the
/// time elapsed; kernel/sched/psi.c, get_recent_times()/collect_percpu_times()). That gives, at any instant
/// between two readings, a lowest and a highest possible counter value, and so, for any interval, the least
/// and the most stall it can have held. Deciding on the least means a stall is never overstated: the share is
/// taken over exactly the interval asked for, and where readings are sparse the figure is only more cautious.
/// Readings closer together than half the resolution replace the newest one instead of taking a slot, so the
/// ring always spans the window however often it is fed, and recording allocates nothing.
/// </summary>
public sealed class StallWindow
{
    private readonly long[] _timeMs;
    private readonly long[] _totalUs;
    private int _start;
    private int _count;

    /// <param name="windowMs">The longest interval that will be asked about.</param>
    /// <param name="resolutionMs">The spacing of readings the caller aims at while a stall is being watched.</param>
    public StallWindow(long windowMs, long resolutionMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowMs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(resolutionMs, 2);
        WindowMs = windowMs;
        ResolutionMs = resolutionMs;

        // Kept readings are at least resolution/2 apart (all but the newest), so n of them span at least
        // (n - 2) * resolution/2: enough for the window plus one resolution of slack before its start.
        int capacity = checked((int)(2 * ((windowMs + resolutionMs - 1) / resolutionMs)) + 4);
        _timeMs = new long[capacity];
        _totalUs = new long[capacity];
    }

    public long WindowMs { get; }

    public long ResolutionMs { get; }

    public int Capacity => _timeMs.Length;

    public int Count => _count;

    /// <summary>The time of the newest reading (milliseconds on the caller's clock); 0 when empty.</summary>
    public long NewestMs => _count == 0 ? 0 : _timeMs[Index(_count - 1)];

    /// <summary>The time of the oldest reading kept; 0 when empty.</summary>
    public long OldestMs => _count == 0 ? 0 : _timeMs[Index(0)];

    /// <summary>The newest counter value; 0 when empty.</summary>
    public long NewestTotalUs => _count == 0 ? 0 : _totalUs[Index(_count - 1)];

    /// <summary>Forgets every reading (a new PSI source, or the old one was replaced).</summary>
    public void Clear()
    {
        _start = 0;
        _count = 0;
    }

    /// <summary>
    /// Records the counter <paramref name="totalUs"/> read at <paramref name="nowMs"/>. A counter or clock that
    /// went backwards means a different source (a cgroup removed and created again under the same name): the
    /// old readings say nothing about it and are dropped.
    /// </summary>
    public void Record(long nowMs, long totalUs)
    {
        if (_count > 0)
        {
            int newest = Index(_count - 1);
            if (nowMs < _timeMs[newest] || totalUs < _totalUs[newest])
            {
                Clear();
            }
            else if (nowMs == _timeMs[newest])
            {
                _totalUs[newest] = totalUs;
                return;
            }
            else if (_count >= 2 && nowMs - _timeMs[Index(_count - 2)] < ResolutionMs / 2)
            {
                _timeMs[newest] = nowMs;
                _totalUs[newest] = totalUs;
                return;
            }
        }

        if (_count == _timeMs.Length)
        {
            _start = (_start + 1) % _timeMs.Length;
            _count--;
        }

        int slot = Index(_count);
        _timeMs[slot] = nowMs;
        _totalUs[slot] = totalUs;
        _count++;
    }

    /// <summary>
    /// Bounds the stall within [<paramref name="fromMs"/>, <paramref name="toMs"/>], in microseconds. False when
    /// the readings do not reach back to <paramref name="fromMs"/> or forward to <paramref name="toMs"/>.
    /// </summary>
    public bool TryStallBetween(long fromMs, long toMs, out long lowUs, out long highUs)
    {
        lowUs = highUs = 0;
        if (_count == 0 || fromMs > toMs || fromMs < OldestMs || toMs > NewestMs)
        {
            return false;
        }

        CounterBounds(fromMs, out long fromLow, out long fromHigh);
        CounterBounds(toMs, out long toLow, out long toHigh);
        long spanUs = (toMs - fromMs) * 1000;
        lowUs = Math.Clamp(toLow - fromHigh, 0, spanUs);
        highUs = Math.Clamp(toHigh - fromLow, lowUs, spanUs);
        return true;
    }

    /// <summary>The lowest and highest value the counter can have had at <paramref name="atMs"/> (within the readings).</summary>
    private void CounterBounds(long atMs, out long low, out long high)
    {
        // The readings around atMs: a at or before it, b at or after it (the ring is short; scan from the newest).
        int bi = _count - 1;
        while (bi > 0 && _timeMs[Index(bi - 1)] >= atMs)
        {
            bi--;
        }

        int b = Index(bi);
        if (_timeMs[b] == atMs || bi == 0)
        {
            low = high = _totalUs[b];
            return;
        }

        int a = Index(bi - 1);
        long ta = _timeMs[a], tb = _timeMs[b], va = _totalUs[a], vb = _totalUs[b];

        // At most wall time can have been stalled since a, or remain to be stalled until b.
        low = Math.Max(va, vb - ((tb - atMs) * 1000));
        high = Math.Min(vb, va + ((atMs - ta) * 1000));
        if (low > high)
        {
            // The counter rose faster than our clock between the readings (PSI's clock and ours are read a few
            // microseconds apart): no bound holds, so take the straight line between the two readings.
            long line = va + (long)((double)(vb - va) * (atMs - ta) / (tb - ta));
            low = high = line;
        }
    }

    private int Index(int i) => (_start + i) % _timeMs.Length;
}
