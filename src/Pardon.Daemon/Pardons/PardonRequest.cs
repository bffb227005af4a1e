// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Pardons;

/// <summary>A request as parsed and validated by <see cref="PardonRequestParser"/>. Says nothing about who asks: that comes from the kernel.</summary>
public sealed record PardonRequest
{
    public required PardonOp Op { get; init; }

    /// <summary>The target; null for the caller itself.</summary>
    public int? Pid { get; init; }

    /// <summary>How long the pardon should last, in milliseconds; null for no expiry (or the rule's max_ttl).</summary>
    public long? TtlMs { get; init; }

    /// <summary>release: the target's start time, so that only the pardon of that very process is ended (a pid may have been reused).</summary>
    public ulong? StartTime { get; init; }

    /// <summary>Free text for people (logs, `pardon list`), control characters replaced.</summary>
    public string? Reason { get; init; }

    /// <summary>"pidfd": true — the target is the pidfd sent with this line (SCM_RIGHTS), not a pid.</summary>
    public bool UsesPidFd { get; init; }

    /// <summary>The pidfd the server received for this request (set by the server when <see cref="UsesPidFd"/>).</summary>
    public Linux.Sockets.PassedDescriptor? TargetPidFd { get; init; }
}
