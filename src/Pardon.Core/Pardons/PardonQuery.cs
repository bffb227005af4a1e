// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>Everything one pardon decision depends on besides the configuration.</summary>
public sealed record PardonQuery
{
    /// <summary>The caller's uid, from the kernel (SO_PEERCRED), never from the message.</summary>
    public required uint CallerUid { get; init; }

    public required int CallerPid { get; init; }

    public required PardonTarget Target { get; init; }

    /// <summary>The TTL asked for, in milliseconds; null for none.</summary>
    public long? RequestedTtlMs { get; init; }

    /// <summary>Pardons the caller holds now, not counting one being renewed for this same process.</summary>
    public int HeldByCaller { get; init; }

    /// <summary>Now, in Unix milliseconds: the expiry is computed from it.</summary>
    public long NowUnixMs { get; init; }
}
