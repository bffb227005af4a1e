// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// A pardon in force: the process (pinned by pid and start time), who granted it, its memory ceiling and
/// expiry. A pardoned process is never chosen by Pardon while it stays under its ceiling and runs the executable
/// it was pardoned for (<see cref="Pardons.PardonStanding"/>).
/// </summary>
public sealed record PardonGrant
{
    public required int Pid { get; init; }

    public required ulong StartTime { get; init; }

    public required uint RequestedByUid { get; init; }

    public required int RequestedByPid { get; init; }

    public required string Reason { get; init; }

    /// <summary>The rule that allowed it: "root", or "pardon.allow[0]".</summary>
    public required string Rule { get; init; }

    /// <summary>Memory ceiling in KiB (memory the process holds: RSS + swap + what it holds outside RSS); 0 means none.</summary>
    public required long MaxRssKiB { get; init; }

    /// <summary>When it was granted, in Unix milliseconds (wall clock, for people).</summary>
    public required long GrantedAtUnixMs { get; init; }

    /// <summary>Expiry in Unix milliseconds, or null for none.</summary>
    public long? ExpiresAtUnixMs { get; init; }

    /// <summary>The executable as verified when granted.</summary>
    public string? Exe { get; init; }

    /// <summary>The process's name (comm) when granted, for lists and events.</summary>
    public string Comm { get; init; } = "";

    public FileIdentity ExeIdentity { get; init; }

    public required uint OwnerUid { get; init; }

    /// <summary>The oom_score_adj the process had before Pardon set -1000, to restore it; null when not changed.</summary>
    public short? PreviousOomScoreAdj { get; init; }

    /// <summary>True when the kernel spares it too (oom_score_adj set to -1000).</summary>
    public bool KernelProtected { get; init; }

    /// <summary>
    /// Memory the process held at the pardon worker's last look, in KiB (what the ceiling is compared with; see
    /// docs/protocol.md, "Ceilings"); -1 when not measured yet. For people: the kill path measures afresh.
    /// </summary>
    public long HeldKiB { get; init; } = -1;

    /// <summary>
    /// The part of <see cref="HeldKiB"/> outside RSS + swap (shared-memory files such as memfds the process holds
    /// open or maps, beyond its resident shared memory; or its own cgroup's excess), at the worker's last look.
    /// A process scan sees only RSS + swap: the kill path adds this to judge the ceiling.
    /// </summary>
    public long OutsideRssKiB { get; init; }
}
