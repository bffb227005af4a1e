// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>
/// One pardon.allow entry as the policy sees it: the path as configured and the identity (device and
/// inode) that path resolved to when the request was checked. Resolving per request means an upgraded
/// package (a new file, a new inode) is allowed at once, while a process still running the old, deleted
/// file is not: it no longer runs the executable the administrator named.
/// </summary>
public sealed record PardonAllowRule
{
    /// <summary>Where it came from, for messages and grants: "pardon.allow[0]".</summary>
    public required string Name { get; init; }

    public required string Exe { get; init; }

    /// <summary>The identity <see cref="Exe"/> resolves to now; unknown when the file is missing.</summary>
    public FileIdentity Identity { get; init; }

    /// <summary>Ceiling (RSS + swap) in KiB; null for pardon.default_max_rss.</summary>
    public long? MaxRssKiB { get; init; }

    /// <summary>Longest TTL, in milliseconds; null for none. A request without a TTL gets this one.</summary>
    public long? MaxTtlMs { get; init; }

    /// <summary>The uids the rule is limited to; empty for every user.</summary>
    public IReadOnlyList<uint> Users { get; init; } = [];

    /// <summary>The users as configured (names or numbers), for messages.</summary>
    public IReadOnlyList<string> UserNames { get; init; } = [];
}
