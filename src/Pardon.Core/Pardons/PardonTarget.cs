// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>The process a pardon is asked for, as the daemon verified it (pinned by a pidfd while read).</summary>
public sealed record PardonTarget
{
    public required int Pid { get; init; }

    public required ulong StartTime { get; init; }

    /// <summary>The real uid of the process (first field of "Uid:" in /proc/PID/status).</summary>
    public required uint Uid { get; init; }

    public string Comm { get; init; } = "";

    /// <summary>The target of /proc/PID/exe; null when unreadable.</summary>
    public string? Exe { get; init; }

    /// <summary>Device and inode of the executable, through /proc/PID/exe itself (so a path swap cannot fool it).</summary>
    public FileIdentity ExeIdentity { get; init; }

    /// <summary>RSS + swap now, in KiB: what the ceiling is compared with.</summary>
    public long UsedKiB { get; init; }

    public bool IsKernelThread { get; init; }
}
