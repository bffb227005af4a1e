// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Engine;

namespace Pardon.Daemon.Monitor;

/// <summary>The monitor loop's settings, resolved from the configuration and the command line.</summary>
public sealed partial record MonitorSettings
{
    public required Thresholds Thresholds { get; init; }

    public bool DryRun { get; init; }

    /// <summary>SIGTERM → SIGKILL after this long if the victim has not exited.</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait, after SIGKILL, for a victim to exit before giving up on it (a task stuck in D state).</summary>
    public TimeSpan ExitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan PollMin { get; init; } = TimeSpan.FromMilliseconds(2);

    public TimeSpan PollMax { get; init; } = TimeSpan.FromSeconds(3);

    public long AssumedFillRateBytesPerSecond { get; init; } = 6L << 30;

    /// <summary>How often processes are scanned for growth history and pardon ceilings as memory nears a level.</summary>
    public TimeSpan ScanInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The scan interval while memory is plentiful — when even the assumed worst-case fill rate needs longer
    /// than the longest poll to reach the terminate level. Growth is measured over a 30 s window by default,
    /// so baselines stay meaningful, and idle CPU stays near earlyoom's (which reads only /proc/meminfo).
    /// </summary>
    public TimeSpan IdleScanInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The scan interval while a kernel wake-up covers the scope (see <see cref="StepSettings.CoveredScanIntervalMs"/>).</summary>
    public TimeSpan CoveredScanInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many candidates a kill event lists.</summary>
    public int CandidatesInEvent { get; init; } = 5;

    /// <summary>The same settings in the milliseconds a scope's step works with.</summary>
    public StepSettings ToStepSettings() => new()
    {
        Thresholds = Thresholds,
        DryRun = DryRun,
        PollMinMs = PollMin.TotalMilliseconds,
        PollMaxMs = PollMax.TotalMilliseconds,
        AssumedKiBPerMs = AssumedFillRateBytesPerSecond / 1024.0 / 1000.0,
        ScanIntervalMs = (long)ScanInterval.TotalMilliseconds,
        IdleScanIntervalMs = (long)IdleScanInterval.TotalMilliseconds,
        CoveredScanIntervalMs = (long)CoveredScanInterval.TotalMilliseconds,
        KillGraceMs = (long)KillGrace.TotalMilliseconds,
        ExitTimeoutMs = (long)ExitTimeout.TotalMilliseconds,
    };
}
