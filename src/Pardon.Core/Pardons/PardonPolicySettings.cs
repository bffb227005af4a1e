// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>The configuration the pardon policy decides by (pardon.* in the configuration file).</summary>
public sealed record PardonPolicySettings
{
    /// <summary>pardon.root_may_pardon_any: uid 0 may pardon any process, with the default ceiling.</summary>
    public bool RootMayPardonAny { get; init; } = true;

    /// <summary>pardon.default_max_rss in KiB: the ceiling of root's pardons and of rules without max_rss. 0 for none.</summary>
    public long DefaultMaxRssKiB { get; init; }

    /// <summary>pardon.max_per_user: how many pardons one unprivileged user may hold at once.</summary>
    public int MaxPerUser { get; init; }

    public IReadOnlyList<PardonAllowRule> Allow { get; init; } = [];

    /// <summary>The daemon's own pid: it never chooses itself, so it needs (and gets) no pardon.</summary>
    public int DaemonPid { get; init; }
}
