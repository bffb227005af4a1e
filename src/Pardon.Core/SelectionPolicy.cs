// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>The part of the configuration that decides who dies: rules and the weight of recent growth.</summary>
public sealed class SelectionPolicy
{
    public static SelectionPolicy Default { get; } = new();

    /// <summary>Never chosen while any other candidate remains.</summary>
    public IReadOnlyList<ProcessRule> Protect { get; init; } = [];

    /// <summary>Chosen before any ordinary candidate.</summary>
    public IReadOnlyList<ProcessRule> Prefer { get; init; } = [];

    /// <summary>Rules that only set the kill unit.</summary>
    public IReadOnlyList<ProcessRule> Units { get; init; } = [];

    /// <summary>
    /// Kubernetes QoS classes before scores: BestEffort pods die before Burstable ones, those before
    /// processes in no pod, and those before Guaranteed pods (config containers.qos_order).
    /// </summary>
    public bool QosOrder { get; init; } = true;

    /// <summary>The window over which growth is measured.</summary>
    public long GrowthWindowMs { get; init; } = 30_000;

    /// <summary>
    /// Each page gained within the window adds this many pages to the score, so a process allocating now
    /// outranks a larger one that has been stable. 0 turns growth off.
    /// </summary>
    public double GrowthWeight { get; init; } = 3.0;

    /// <summary>
    /// A candidate is too small to matter when it holds (RSS + swap + page tables) less than this share of
    /// the scope's total and less than <see cref="NegligibleBytes"/>: killing it cannot relieve a shortage,
    /// so Pardon chooses it only when no larger candidate is left. 1%: at the default terminate level (10%)
    /// such a process frees a tenth of the margin at most.
    /// </summary>
    public double NegligibleShare { get; init; } = 0.01;

    /// <summary>
    /// The absolute part of the rule above: a process holding this much matters whatever the scope's size
    /// (on a large machine 1% is many GiB, and a process that has just grown by hundreds of MiB — the
    /// likely culprit — must not be passed over).
    /// </summary>
    public long NegligibleBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The pid Pardon never chooses: the daemon itself.</summary>
    public int SelfPid { get; init; }

    /// <summary>
    /// A second pid left out the same way: the short-lived `pardon rank`/`explain` process that computes a
    /// prediction on the daemon's behalf (it will be gone before any shortage). 0 for none.
    /// </summary>
    public int ObserverPid { get; init; }
}
