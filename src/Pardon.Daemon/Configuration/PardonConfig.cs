// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Daemon.Configuration;

/// <summary>
/// The effective configuration: the embedded defaults (packaging/pardon.jsonc) with the user's file laid
/// over them. Every field is validated when loaded; see <see cref="ConfigLoader"/>.
/// </summary>
public sealed partial class PardonConfig
{
    /// <summary>Where it came from: a path, or "embedded defaults".</summary>
    public string Source { get; set; } = "embedded defaults";

    public MemoryLevel TermBelow { get; set; } = MemoryLevel.FromPercent(10);

    public MemoryLevel KillBelow { get; set; } = MemoryLevel.FromPercent(5);

    public MemoryLevel SwapTermBelow { get; set; } = MemoryLevel.FromPercent(10);

    public MemoryLevel SwapKillBelow { get; set; } = MemoryLevel.FromPercent(5);

    public TimeSpan GrowthWindow { get; set; } = TimeSpan.FromSeconds(30);

    public double GrowthWeight { get; set; } = 3;

    /// <summary>How long a victim may take to exit after SIGTERM before it gets SIGKILL.</summary>
    public TimeSpan KillGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The shortest sleep of the monitor loop, reached when memory is nearly at the level.</summary>
    public TimeSpan PollMinInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// The longest sleep, used when memory is plentiful. The sleep is also bounded by the headroom at
    /// <see cref="AssumedFillRateBytesPerSecond"/>, so this cap only matters with many GiB to spare; nohang's
    /// max_sleep is the same 3 s (earlyoom caps at 1 s and pays for it with three times the idle wake-ups).
    /// </summary>
    public TimeSpan PollMaxInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The fill rate the loop assumes memory can be consumed at when it chooses how long to sleep
    /// (bytes per second). A faster observed rate replaces it. 6 GiB/s is above what first-touch page faults
    /// reach on the machines Pardon targets, and at least earlyoom's and nohang's 6000 MiB/s.
    /// </summary>
    public long AssumedFillRateBytesPerSecond { get; set; } = 6L * 1024 * 1024 * 1024;

    public string Socket { get; set; } = "/run/pardon/pardon.sock";

    public string StateFile { get; set; } = "/run/pardon/pardons.json";

    public bool RootMayPardonAny { get; set; } = true;

    public long DefaultMaxRssBytes { get; set; } = 1024L * 1024 * 1024;

    public int MaxPardonsPerUser { get; set; } = 4;

    /// <summary>Set oom_score_adj to -1000 on pardoned processes where the daemon has CAP_SYS_RESOURCE.</summary>
    public bool KernelProtect { get; set; } = true;

    public List<AllowRule> Allow { get; set; } = [];

    public List<RuleConfig> Protect { get; set; } = [];

    public List<RuleConfig> Prefer { get; set; } = [];

    public List<RuleConfig> Units { get; set; } = [];

    public string? EventsFile { get; set; }

    public string? MetricsListen { get; set; }

    public string? MetricsTextfile { get; set; }

    /// <summary>The selection policy these settings describe.</summary>
    public SelectionPolicy ToPolicy(int selfPid, int observerPid = 0) => new()
    {
        Protect = Protect.Select(r => r.Rule).ToArray(),
        Prefer = Prefer.Select(r => r.Rule).ToArray(),
        Units = Units.Select(r => r.Rule).ToArray(),
        GrowthWeight = GrowthWeight,
        GrowthWindowMs = (long)GrowthWindow.TotalMilliseconds,
        SelfPid = selfPid,
        ObserverPid = observerPid,
    };
}
