// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Procfs;

/// <summary>
/// The pids of one scan, each with the rank of the cgroup it was found in (0 for the system scope): the
/// kernel's memcg OOM walks cgroups in pre-order, so that rank is the first half of its iteration order.
/// Grows when a scan meets more processes than ever before, and is reused otherwise.
/// </summary>
public sealed class PidList
{
    private int[] _pids;
    private int[] _groups;

    public PidList()
        : this(512)
    {
    }

    /// <param name="capacity">The initial size; it doubles when a scan meets more processes.</param>
    public PidList(int capacity)
    {
        _pids = new int[Math.Max(capacity, 1)];
        _groups = new int[Math.Max(capacity, 1)];
    }

    public int Count { get; private set; }

    public ReadOnlySpan<int> Pids => _pids.AsSpan(0, Count);

    public ReadOnlySpan<int> Groups => _groups.AsSpan(0, Count);

    public void Clear() => Count = 0;

    public void Add(int pid, int group)
    {
        if (Count == _pids.Length)
        {
            Array.Resize(ref _pids, _pids.Length * 2);
            Array.Resize(ref _groups, _groups.Length * 2);
        }

        _pids[Count] = pid;
        _groups[Count] = group;
        Count++;
    }
}
