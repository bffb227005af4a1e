// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Pardons;

/// <summary>
/// A bounded single-producer, single-consumer queue of <see cref="PardonObservation"/> from the monitor thread
/// to the pardon worker: no lock, no allocation, and the producer never waits — when the worker has fallen
/// behind and the ring is full, an observation is dropped (and counted). Losing one costs nothing essential:
/// the kill path judges pardons from its own scan, and the worker re-verifies every pardon on its own sweeps.
/// </summary>
public sealed class ObservationRing
{
    private readonly PardonObservation[] _items;
    private long _head; // next to read; written by the consumer only
    private long _tail; // next to write; written by the producer only
    private long _dropped;

    public ObservationRing(int capacity = 256)
    {
        _items = new PardonObservation[capacity];
    }

    /// <summary>Observations dropped because the ring was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Producer: adds one, or drops it when full. Never blocks, never allocates.</summary>
    public bool TryWrite(in PardonObservation item)
    {
        long tail = Volatile.Read(ref _tail);
        if (tail - Volatile.Read(ref _head) >= _items.Length)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        _items[tail % _items.Length] = item;
        Volatile.Write(ref _tail, tail + 1); // publishes the item
        return true;
    }

    /// <summary>Consumer: takes the oldest, if any.</summary>
    public bool TryRead(out PardonObservation item)
    {
        long head = Volatile.Read(ref _head);
        if (head == Volatile.Read(ref _tail))
        {
            item = default;
            return false;
        }

        item = _items[head % _items.Length];
        Volatile.Write(ref _head, head + 1); // frees the slot
        return true;
    }
}
