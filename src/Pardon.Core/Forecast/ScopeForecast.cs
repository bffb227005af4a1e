// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Forecast;

/// <summary>Where a scope is heading at the rates observed, and who dies on the way.</summary>
public sealed record ScopeForecast
{
    public double FillKiBPerSecond { get; init; }

    public FillRate Rate { get; init; }

    /// <summary>Seconds until Pardon's terminate level: 0 when already below, null when memory is not filling.</summary>
    public double? SecondsToTerm { get; init; }

    public double? SecondsToKill { get; init; }

    /// <summary>Seconds until the kernel's OOM: 0 when there is no headroom left, null when memory is not filling.</summary>
    public double? SecondsToOom { get; init; }

    public string? OomingCgroup { get; init; }

    /// <summary>Whom the kernel would kill at the OOM, with every process's growth projected to that moment.</summary>
    public ProcessFacts? KernelVictimAtOom { get; init; }

    /// <summary>Projected badness of <see cref="KernelVictimAtOom"/> (pages).</summary>
    public long KernelVictimBadnessAtOom { get; init; }

    /// <summary>Others of equal projected badness in an order that cannot be known: the kernel may take one of them instead.</summary>
    public IReadOnlyList<ProcessFacts> KernelVictimTies { get; init; } = [];

    /// <summary>Whom Pardon would stop when its terminate level is reached, growth projected likewise.</summary>
    public ProcessFacts? VictimAtTerm { get; init; }

    public KernelOomOutcome Outcome { get; init; }

    /// <summary>One sentence: "at 180 MiB/s the kernel's OOM is 9 s away; it would kill 42 (hog); Pardon will stop 42 (hog) in 4 s".</summary>
    public required string Summary { get; init; }
}
