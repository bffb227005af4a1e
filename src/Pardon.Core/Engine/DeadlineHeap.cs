// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Engine;

/// <summary>
/// When each of the monitor's timers is next due: a binary min-heap of (due, key) with an index from key
/// to heap position, so a key's deadline can be moved or removed in O(log n) without searching. Keys are
/// small non-negative integers (a scope's slot); each key has at most one deadline. Equal deadlines come
/// out in key order, so the order of work is deterministic. Grows when a larger key is first used and
/// allocates nothing after that.
/// </summary>
public sealed class DeadlineHeap
{
    private long[] _due;
    private int[] _keyAt;
    private int[] _positionOf;

    public DeadlineHeap(int capacity = 16)
    {
        capacity = Math.Max(capacity, 1);
        _due = new long[capacity];
        _keyAt = new int[capacity];
        _positionOf = new int[capacity];
        _positionOf.AsSpan().Fill(-1);
    }

    /// <summary>How many keys have a deadline.</summary>
    public int Count { get; private set; }

    /// <summary>True when <paramref name="key"/> has a deadline.</summary>
    public bool Contains(int key) => key >= 0 && key < _positionOf.Length && _positionOf[key] >= 0;

    /// <summary>The deadline of <paramref name="key"/>; <see cref="long.MaxValue"/> when it has none.</summary>
    public long DueOf(int key) => Contains(key) ? _due[_positionOf[key]] : long.MaxValue;

    /// <summary>Gives <paramref name="key"/> the deadline <paramref name="due"/>, replacing any it had.</summary>
    public void Set(int key, long due)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(key);
        if (key >= _positionOf.Length)
        {
            GrowKeys(key + 1);
        }

        int at = _positionOf[key];
        if (at < 0)
        {
            if (Count == _due.Length)
            {
                Array.Resize(ref _due, _due.Length * 2);
                Array.Resize(ref _keyAt, _keyAt.Length * 2);
            }

            at = Count++;
            _keyAt[at] = key;
            _due[at] = due;
            _positionOf[key] = at;
            Up(at);
            return;
        }

        long old = _due[at];
        _due[at] = due;
        if (due < old)
        {
            Up(at);
        }
        else if (due > old)
        {
            Down(at);
        }
    }

    /// <summary>Removes the deadline of <paramref name="key"/>; false when it had none.</summary>
    public bool Remove(int key)
    {
        if (!Contains(key))
        {
            return false;
        }

        int at = _positionOf[key];
        _positionOf[key] = -1;
        int last = --Count;
        if (at != last)
        {
            Move(last, at);
            if (!Up(at))
            {
                Down(at);
            }
        }

        return true;
    }

    /// <summary>The earliest deadline and its key; false when there is none.</summary>
    public bool TryPeek(out int key, out long due)
    {
        if (Count == 0)
        {
            key = -1;
            due = long.MaxValue;
            return false;
        }

        key = _keyAt[0];
        due = _due[0];
        return true;
    }

    /// <summary>Removes and returns the earliest deadline if it is at or before <paramref name="now"/>.</summary>
    public bool TryPopDue(long now, out int key)
    {
        if (Count == 0 || _due[0] > now)
        {
            key = -1;
            return false;
        }

        key = _keyAt[0];
        Remove(key);
        return true;
    }

    private bool Less(int a, int b) => _due[a] < _due[b] || (_due[a] == _due[b] && _keyAt[a] < _keyAt[b]);

    /// <summary>Moves the entry at <paramref name="at"/> towards the root; true when it moved.</summary>
    private bool Up(int at)
    {
        int start = at;
        while (at > 0)
        {
            int parent = (at - 1) / 2;
            if (!Less(at, parent))
            {
                break;
            }

            Swap(at, parent);
            at = parent;
        }

        return at != start;
    }

    private void Down(int at)
    {
        while (true)
        {
            int left = (2 * at) + 1;
            if (left >= Count)
            {
                return;
            }

            int smallest = left + 1 < Count && Less(left + 1, left) ? left + 1 : left;
            if (!Less(smallest, at))
            {
                return;
            }

            Swap(at, smallest);
            at = smallest;
        }
    }

    private void Swap(int a, int b)
    {
        (_due[a], _due[b]) = (_due[b], _due[a]);
        (_keyAt[a], _keyAt[b]) = (_keyAt[b], _keyAt[a]);
        _positionOf[_keyAt[a]] = a;
        _positionOf[_keyAt[b]] = b;
    }

    private void Move(int from, int to)
    {
        _due[to] = _due[from];
        _keyAt[to] = _keyAt[from];
        _positionOf[_keyAt[to]] = to;
    }

    private void GrowKeys(int needed)
    {
        int size = Math.Max(needed, _positionOf.Length * 2);
        int old = _positionOf.Length;
        Array.Resize(ref _positionOf, size);
        _positionOf.AsSpan(old).Fill(-1);
    }
}
