// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Configuration;

/// <summary>
/// pardon.allow[i]: an executable whose processes their owners may pardon without privileges. The path is
/// checked against the running process's verified executable by device and inode, at request time.
/// </summary>
public sealed class AllowRule
{
    public required string Source { get; init; }

    /// <summary>An absolute path (no wildcards: identity is checked by device and inode).</summary>
    public required string Exe { get; init; }

    /// <summary>Memory ceiling (RSS + swap) for pardons granted by this rule; null for the configured default.</summary>
    public long? MaxRssBytes { get; init; }

    /// <summary>Longest TTL a request may ask for; null for no limit.</summary>
    public TimeSpan? MaxTtl { get; init; }

    /// <summary>Users this rule is limited to (uids); empty for every user.</summary>
    public IReadOnlyList<uint> Users { get; init; } = [];

    /// <summary>The users as written, for messages.</summary>
    public IReadOnlyList<string> UserNames { get; init; } = [];
}
