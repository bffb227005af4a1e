// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Collections.Concurrent;

namespace Pardon.Daemon.Events;

/// <summary>
/// Folds repeats into one line, so a flood of denials or bad lines costs a counter increment each instead of
/// a queued event: the first event of a kind (same name, code, uid and scope) is written at once; the ones
/// that follow within the window are only counted, and when the window closes the last of them is written
/// once with <see cref="DaemonEvent.Repeats"/> = how many it stands for. Lock-free for the emitters (a
/// ConcurrentDictionary read plus interlocked updates; a bucket lock only when a new kind first appears).
/// </summary>
public sealed class EventCoalescer
{
    private readonly ConcurrentDictionary<Key, Slot> _slots = new();
    private readonly long _windowTicks;
    private readonly int _maxKinds;
    private long _absorbed;

    /// <param name="windowTicks">The window in <see cref="System.Diagnostics.Stopwatch"/> ticks; 0 turns coalescing off.</param>
    /// <param name="maxKinds">Distinct kinds tracked at once; beyond, events pass through uncoalesced (the bounded queue still holds).</param>
    public EventCoalescer(long windowTicks, int maxKinds = 1024)
    {
        _windowTicks = windowTicks;
        _maxKinds = maxKinds;
    }

    /// <summary>Events absorbed as repeats so far (each also counted in a later line's <see cref="DaemonEvent.Repeats"/>).</summary>
    public long Absorbed => Interlocked.Read(ref _absorbed);

    /// <summary>
    /// Offers an event raised at <paramref name="now"/>. True: it was absorbed (do not queue it). False: queue
    /// it; <paramref name="flushed"/> is then a summary of the previous window to queue before it, or null.
    /// </summary>
    public bool TryAbsorb(DaemonEvent e, long now, out DaemonEvent? flushed) => TryAbsorb(e, now, out flushed, out _);

    /// <inheritdoc cref="TryAbsorb(DaemonEvent, long, out DaemonEvent?)"/>
    /// <param name="opened">True when this repeat is the first of its window: a summary is now due at the window's end
    /// (the pipeline, which sleeps until something is due, must look again).</param>
    public bool TryAbsorb(DaemonEvent e, long now, out DaemonEvent? flushed, out bool opened)
    {
        flushed = null;
        opened = false;
        if (_windowTicks <= 0)
        {
            return false;
        }

        var key = new Key(e.Event, e.Code, e.RequesterUid ?? e.Uid, e.Scope);
        if (!_slots.TryGetValue(key, out Slot? slot))
        {
            if (_slots.Count >= _maxKinds || _slots.TryAdd(key, new Slot { WindowEnd = now + _windowTicks }))
            {
                return false; // the first of its kind (or too many kinds): written as it is
            }

            if (!_slots.TryGetValue(key, out slot))
            {
                return false;
            }
        }

        long end = Volatile.Read(ref slot.WindowEnd);
        if (now < end)
        {
            Volatile.Write(ref slot.Last, e); // Last before Count: a flush that sees the count sees an event
            opened = Interlocked.Increment(ref slot.Count) == 1;
            Interlocked.Increment(ref _absorbed);
            return true;
        }

        if (Interlocked.CompareExchange(ref slot.WindowEnd, now + _windowTicks, end) != end)
        {
            return TryAbsorb(e, now, out flushed, out opened); // another thread restarted the window first: we are a repeat
        }

        flushed = Flush(slot); // the window that ended, unless the pipeline's sweep wrote it already
        return false;
    }

    /// <summary>
    /// Summaries of the windows that have closed by <paramref name="now"/>; forgets kinds silent for a long while.
    /// Returns when the next summary falls due (the earliest end of a window holding repeats), long.MaxValue
    /// when none does: an idle pipeline then sleeps until an event arrives.
    /// </summary>
    public long Sweep(long now, List<DaemonEvent> summaries)
    {
        long nextDue = long.MaxValue;
        foreach (KeyValuePair<Key, Slot> pair in _slots)
        {
            Slot slot = pair.Value;
            long end = Volatile.Read(ref slot.WindowEnd);
            if (now < end)
            {
                if (Volatile.Read(ref slot.Count) > 0)
                {
                    nextDue = Math.Min(nextDue, end);
                }

                continue;
            }

            if (Flush(slot) is DaemonEvent summary)
            {
                summaries.Add(summary);
            }
            else if (now - end > 30 * _windowTicks)
            {
                _slots.TryRemove(pair);
            }
        }

        return nextDue;
    }

    private static DaemonEvent? Flush(Slot slot)
    {
        long n = Interlocked.Exchange(ref slot.Count, 0);
        DaemonEvent? last = Interlocked.Exchange(ref slot.Last, null);
        if (n <= 0 || last is null)
        {
            return null;
        }

        last.Repeats = n;
        return last;
    }

    private readonly record struct Key(string Event, string? Code, uint? Uid, string? Scope);

    private sealed class Slot
    {
        public long WindowEnd;
        public long Count;
        public DaemonEvent? Last;
    }
}
