// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using Pardon.Core;
using Pardon.Daemon.Events;
using Pardon.Linux.Io;
using Pardon.Linux.Monitoring;

namespace Pardon.Daemon.Monitor;

/// <summary>
/// The daemon's heart, on a thread of its own: read the scope's memory, compare with the levels, sleep as
/// long as the headroom allows (or until a wake-up descriptor fires), scan processes for growth every
/// second, and act when a level is crossed. In steady state an iteration allocates nothing: readings go
/// into reused buffers, the sleep is a poll(2) on a fixed set, and the process table is updated in place.
/// </summary>
public sealed partial class MonitorLoop
{
    private readonly ScopeMonitor _monitor;
    private readonly MonitorSettings _settings;
    private readonly IEventSink _events;
    private readonly IPardonView? _pardons;
    private readonly ScanObserver? _onScan;
    private readonly WaitSet _wait;
    private readonly int _wakeups;
    private readonly Action? _onIteration;
    private PollPlanner _planner;
    private DaemonEvent? _pendingPressure;
    private bool _scopeLostReported;

    /// <param name="monitor">The scope's process table and memory reader.</param>
    /// <param name="stop">Signalled to stop the loop (SIGTERM, SIGINT).</param>
    /// <param name="wakeups">Extra descriptors that end a sleep early (PSI trigger: POLLPRI; cgroup threshold eventfd: POLLIN).</param>
    /// <param name="onIteration">Called once per iteration on the loop's thread (the systemd watchdog ping); must not allocate.</param>
    public MonitorLoop(
        ScopeMonitor monitor,
        MonitorSettings settings,
        IEventSink events,
        IPardonView? pardons,
        ScanObserver? onScan,
        EventFd stop,
        IReadOnlyList<(int Fd, short Events, Action Drain)> wakeups,
        Action? onIteration = null)
    {
        _monitor = monitor;
        _settings = settings;
        _events = events;
        _pardons = pardons;
        _onScan = onScan;
        _onIteration = onIteration;
        Stop = stop;
        var fds = new (int, short)[wakeups.Count + 1];
        fds[0] = (stop.Fd, WaitSet.In);
        for (int i = 0; i < wakeups.Count; i++)
        {
            fds[i + 1] = (wakeups[i].Fd, wakeups[i].Events);
        }

        _wait = new WaitSet(fds);
        _wakeups = wakeups.Count;
        WakeupDrains = wakeups.Select(w => w.Drain).ToArray();
        _planner = new PollPlanner(
            settings.PollMin.TotalMilliseconds,
            settings.PollMax.TotalMilliseconds,
            settings.AssumedFillRateBytesPerSecond / 1024.0 / 1000.0);
    }

    public EventFd Stop { get; }

    public MonitorStatistics Statistics { get; } = new();

    private Action[] WakeupDrains { get; }

    /// <summary>Runs until <see cref="Stop"/> is signalled.</summary>
    public void Run()
    {
        int errno = SelfProtection.RaiseThreadPriority();
        if (errno != 0)
        {
            _events.Emit(new DaemonEvent
            {
                Event = "warning",
                Code = "priority",
                Message = $"cannot raise the monitor thread's priority to nice -20 ({System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}; needs CAP_SYS_NICE): on a saturated machine its reaction may be delayed",
            });
        }

        Thresholds thresholds = _settings.Thresholds;
        long nextScanMs = 0;
        long episodeStart = 0;
        bool inEpisode = false;
        bool dryRunDecided = false;
        long scanIntervalMs = (long)_settings.ScanInterval.TotalMilliseconds;
        long idleScanIntervalMs = (long)_settings.IdleScanInterval.TotalMilliseconds;
        long lastScanMs = 0;

        while (true)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long now = Clock.BootTimeMs();
            Statistics.Iterations++;
            if (!_monitor.Scope.Memory.TryRead(now, out MemorySample sample))
            {
                ReportScopeLost();
                if (SleepOrStop(_settings.PollMax.TotalMilliseconds))
                {
                    return;
                }

                continue;
            }

            ResolvedThresholds levels = thresholds.Resolve(in sample);
            Statistics.LastSample = sample;
            Statistics.LastThresholds = levels;
            Statistics.Fill.Record(now, sample.AvailableKiB);
            PressureLevel level = levels.Evaluate(in sample, out long thresholdKiB);
            if (level != PressureLevel.None)
            {
                if (!inEpisode)
                {
                    // The pressure event is stamped now but emitted by Act() once the victim is signalled:
                    // nothing but the decision itself stands between the crossing and the signal.
                    inEpisode = true;
                    episodeStart = Stopwatch.GetTimestamp();
                    Statistics.PressureEpisodes++;
                    _pendingPressure = PressureEvent(level, in sample, thresholdKiB);
                }

                if (_settings.DryRun && dryRunDecided)
                {
                    // A dry run decides once per shortage; the memory is not going anywhere.
                    if (SleepOrStop(Math.Max(_settings.PollMin.TotalMilliseconds, 100)))
                    {
                        return;
                    }

                    continue;
                }

                KillOutcome outcome = Act(level, in sample, levels, thresholdKiB, episodeStart);
                nextScanMs = 0;
                switch (outcome)
                {
                    case KillOutcome.Stopped:
                        return;
                    case KillOutcome.DryRun:
                        dryRunDecided = true;
                        break;
                    case KillOutcome.NoCandidate:
                    case KillOutcome.Failed:
                        // Nothing more can be done right now; do not spin. The kernel remains the last resort.
                        if (SleepOrStop(100))
                        {
                            return;
                        }

                        break;
                }

                continue;
            }

            inEpisode = false;
            dryRunDecided = false;
            bool steady = true;
            double sleepMs = _planner.Next(sample.AvailableKiB, levels.TermKiB, now);
            bool plentiful = sleepMs >= _settings.PollMax.TotalMilliseconds;
            if (now >= nextScanMs || (!plentiful && now - lastScanMs >= scanIntervalMs))
            {
                _monitor.Scan(now);
                Statistics.Scans++;
                _onScan?.Invoke(_monitor.Table.Processes, now);
                lastScanMs = now;
                nextScanMs = now + (plentiful ? idleScanIntervalMs : scanIntervalMs);
                steady = _monitor.Table.LastScanChanges == 0;
            }

            Statistics.LastPollIntervalMs = sleepMs;
            _onIteration?.Invoke();
            if (steady && Statistics.Iterations > 2)
            {
                Statistics.SteadyIterations++;
                Statistics.SteadyAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            }

            if (SleepOrStop(sleepMs))
            {
                return;
            }
        }
    }

    /// <summary>Sleeps up to <paramref name="ms"/>; true when asked to stop.</summary>
    private bool SleepOrStop(double ms)
    {
        int mask = _wait.Wait((int)Math.Ceiling(ms));
        if ((mask & 1) != 0)
        {
            return true;
        }

        for (int i = 0; i < _wakeups; i++)
        {
            if ((mask & (2 << i)) != 0)
            {
                WakeupDrains[i]();
            }
        }

        return false;
    }

    private void ReportScopeLost()
    {
        if (_scopeLostReported)
        {
            return;
        }

        _scopeLostReported = true;
        _events.Emit(new DaemonEvent
        {
            Event = "warning",
            Code = "scope_unreadable",
            Message = $"cannot read the memory of {(_monitor.Scope.Cgroup?.Path ?? "the system")} (was the cgroup removed?); retrying every {Sizes.FormatDuration(_settings.PollMax)}",
        });
    }
}
