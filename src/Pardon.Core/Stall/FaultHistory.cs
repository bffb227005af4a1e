// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Stall;

/// <summary>
/// What one process did to memory recently, kept across scans in O(1) space: its major faults (field 12 of
/// /proc/PID/stat, counted by the kernel whenever a fault had to wait for I/O — a page read back from swap or
/// from its file; mm/memory.c do_swap_page(), mm/filemap.c filemap_fault() return VM_FAULT_MAJOR), its swap
/// movement (VmSwap rising = pages swapped out, falling = swapped back in or freed; both summed reading by
/// reading, since they cancel in the level) and its RSS. Two checkpoints, like <see cref="GrowthHistory"/>:
/// the newer moves forward every half window, the older one then lies between half a window and a window
/// back and is the baseline of the rates.
/// </summary>
public struct FaultHistory
{
    private Checkpoint _old;
    private Checkpoint _new;
    private Checkpoint _last;
    private long _lastSwapPages;
    private long _swapInPages;
    private long _swapOutPages;
    private bool _initialized;

    /// <summary>Forgets everything (a new process in the same slot).</summary>
    public void Reset() => this = default;

    /// <summary>Records a reading taken at <paramref name="nowMs"/>.</summary>
    public void Record(long nowMs, ulong majorFaults, long rssPages, long swapPages, long windowMs)
    {
        if (_initialized && (nowMs < _last.Ms || majorFaults < _last.MajorFaults))
        {
            // A counter went backwards: not the same process any more.
            _initialized = false;
        }

        if (!_initialized)
        {
            _lastSwapPages = swapPages;
            _swapInPages = _swapOutPages = 0;
            _last = new Checkpoint(nowMs, majorFaults, rssPages, 0, 0);
            _old = _new = _last;
            _initialized = true;
            return;
        }

        long delta = swapPages - _lastSwapPages;
        if (delta > 0)
        {
            _swapOutPages += delta;
        }
        else
        {
            _swapInPages -= delta;
        }

        _lastSwapPages = swapPages;
        _last = new Checkpoint(nowMs, majorFaults, rssPages, _swapInPages, _swapOutPages);
        if (nowMs - _new.Ms >= windowMs / 2)
        {
            _old = _new;
            _new = _last;
        }
    }

    /// <summary>
    /// The rates between the baseline (the oldest checkpoint still within <paramref name="windowMs"/> of the
    /// newest reading) and the newest reading; zero rates when there is no such interval yet.
    /// </summary>
    public readonly FaultRates Rates(long windowMs)
    {
        if (!_initialized)
        {
            return default;
        }

        Checkpoint baseline = _last.Ms - _old.Ms <= windowMs ? _old : _new;
        long spanMs = _last.Ms - baseline.Ms;
        if (spanMs <= 0)
        {
            return new FaultRates { SwapPages = _lastSwapPages, RssPages = _last.RssPages };
        }

        double perSecond = 1000.0 / spanMs;
        return new FaultRates
        {
            SpanMs = spanMs,
            MajorFaultsPerSecond = (_last.MajorFaults - baseline.MajorFaults) * perSecond,
            SwapInPagesPerSecond = (_last.SwapIn - baseline.SwapIn) * perSecond,
            SwapOutPagesPerSecond = (_last.SwapOut - baseline.SwapOut) * perSecond,
            GrowthPagesPerSecond = (_last.RssPages - baseline.RssPages) * perSecond,
            SwapPages = _lastSwapPages,
            RssPages = _last.RssPages,
        };
    }

    private readonly record struct Checkpoint(long Ms, ulong MajorFaults, long RssPages, long SwapIn, long SwapOut);
}
