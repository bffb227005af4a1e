// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Daemon.Configuration;

/// <summary>
/// The effective configuration: the embedded defaults (packaging/pardon.jsonc) with the user's file laid
/// over them. Every field is validated when loaded; see <see cref="ConfigLoader"/>.
/// </summary>
/// <remarks>
/// The embedded file is the one home of every default: a new instance starts from it (the constructor lays
/// it over the placeholders below), so no default is written twice. ConfigDefaultsTests checks that the
/// file names every key and that docs/configuration.md shows the same values.
/// </remarks>
public sealed partial class PardonConfig
{
    /// <summary>A configuration holding the embedded defaults.</summary>
    public PardonConfig()
    {
        ConfigLoader.ApplyEmbeddedDefaults(this);
    }

    /// <summary>Where it came from: a path, or "embedded defaults".</summary>
    public string Source { get; set; } = "embedded defaults";

    public MemoryLevel TermBelow { get; set; }

    public MemoryLevel KillBelow { get; set; }

    public MemoryLevel SwapTermBelow { get; set; }

    public MemoryLevel SwapKillBelow { get; set; }

    public TimeSpan GrowthWindow { get; set; }

    public double GrowthWeight { get; set; }

    /// <summary>How long a victim may take to exit after SIGTERM before it gets SIGKILL.</summary>
    public TimeSpan KillGrace { get; set; }

    /// <summary>The shortest sleep of the monitor loop, reached when memory is nearly at the level.</summary>
    public TimeSpan PollMinInterval { get; set; }

    /// <summary>
    /// The longest sleep, used when memory is plentiful. The sleep is also bounded by the headroom at
    /// <see cref="AssumedFillRateBytesPerSecond"/>, so this cap only matters with many GiB to spare.
    /// </summary>
    public TimeSpan PollMaxInterval { get; set; }

    /// <summary>
    /// The fill rate the loop assumes memory can be consumed at when it chooses how long to sleep
    /// (bytes per second). A faster observed rate replaces it.
    /// </summary>
    public long AssumedFillRateBytesPerSecond { get; set; }

    public string Socket { get; set; } = "";

    public string StateFile { get; set; } = "";

    public bool RootMayPardonAny { get; set; }

    public long DefaultMaxRssBytes { get; set; }

    public int MaxPardonsPerUser { get; set; }

    /// <summary>Set oom_score_adj to -1000 on pardoned processes where the daemon has CAP_SYS_RESOURCE.</summary>
    public bool KernelProtect { get; set; }

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
        QosOrder = QosOrder,
        GrowthWindowMs = (long)GrowthWindow.TotalMilliseconds,
        SelfPid = selfPid,
        ObserverPid = observerPid,
    };
}
