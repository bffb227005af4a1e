// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Procfs;

/// <summary>
/// /proc/PID/statm (fs/proc/array.c proc_pid_statm()), all in pages:
/// "size resident shared text lib data dt". resident = anon + file + shmem, the same counters that
/// oom_badness() sums; all zero for a task without an mm.
/// </summary>
internal struct ParsedStatm : IEquatable<ParsedStatm>
{
    public long size;       // (1) total program size (VmSize)
    public long resident;   // (2) resident set size (VmRSS)
    public long shared;     // (3) file + shmem resident pages
    public long text;       // (4)
    // (5) lib, always 0
    public long data;       // (6) data + stack

    public readonly bool Equals(ParsedStatm other)
        => size == other.size && resident == other.resident && shared == other.shared && text == other.text && data == other.data;

    public override readonly bool Equals(object? obj) => obj is ParsedStatm other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(size, resident, shared, data);
}
