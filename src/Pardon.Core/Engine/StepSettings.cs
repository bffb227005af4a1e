// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Engine;

/// <summary>The settings of a scope's step, in milliseconds (the daemon converts its configuration once).</summary>
public sealed record StepSettings
{
    public required Thresholds Thresholds { get; init; }

    /// <summary>Decide and log, never signal: the step then decides once per shortage.</summary>
    public bool DryRun { get; init; }

    public double PollMinMs { get; init; } = 2;

    public double PollMaxMs { get; init; } = 3000;

    /// <summary>The fill rate assumed when choosing how long to sleep (KiB per millisecond).</summary>
    public double AssumedKiBPerMs { get; init; } = (6L << 30) / 1024.0 / 1000.0;

    /// <summary>How often the scope's processes are scanned as memory nears a level.</summary>
    public long ScanIntervalMs { get; init; } = 1000;

    /// <summary>How often they are scanned while memory is plentiful.</summary>
    public long IdleScanIntervalMs { get; init; } = 10_000;

    /// <summary>SIGTERM → SIGKILL after this long if the victim has not exited.</summary>
    public long KillGraceMs { get; init; } = 5000;

    /// <summary>After SIGKILL, how long to wait for the exit before giving up on the victim (a task stuck in D state).</summary>
    public long ExitTimeoutMs { get; init; } = 10_000;

    /// <summary>How often memory is read while a victim is being waited for (the kill level may call for SIGKILL).</summary>
    public long VictimPollMs { get; init; } = 5;

    /// <summary>How long to wait before trying again when nothing could be done (no candidate, a failed signal): never spin.</summary>
    public long RetryMs { get; init; } = 100;
}
