// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using Pardon.Core;
using Pardon.Daemon.Events;
using Pardon.Linux.Io;
using Pardon.Linux.Monitoring;
using Pardon.Linux.Processes;
using Pardon.Linux.Procfs;

namespace Pardon.Daemon.Monitor;

public sealed partial class MonitorLoop
{
    private const int SIGTERM = 15;
    private const int SIGKILL = 9;

    /// <summary>
    /// Acts on a shortage: a fresh scan and ranking, the victim's unit pinned with pidfds (pid + start time,
    /// so a recycled pid is never hit), the signal, and the wait for the victim's exit — escalating to
    /// SIGKILL when the kill level is reached or the grace period ends. Only one victim at a time: the next
    /// decision is made on a fresh reading after this one has exited.
    /// </summary>
    /// <param name="rehearsal">
    /// Start-up only: run the decision up to the signal — nothing is signalled or reported — so that the
    /// JIT compiles this method (and <see cref="WaitForExit"/>) then. Compiling it at the first real
    /// shortage cost 10–14 ms between seeing the level crossed and the signal, enough for a fast
    /// allocator to reach the kernel's OOM killer first.
    /// </param>
    private KillOutcome Act(PressureLevel level, in MemorySample sample, ResolvedThresholds levels, long thresholdKiB, long episodeStart, bool rehearsal = false)
    {
        long now = Clock.BootTimeMs();
        long actStart = Stopwatch.GetTimestamp();
        _monitor.Scan(now);
        Statistics.Scans++;
        _onScan?.Invoke(_monitor.Table.Processes, now);
        long scanned = Stopwatch.GetTimestamp();
        Ranking ranking = _monitor.Rank(now, _pardons);
        long ranked = Stopwatch.GetTimestamp();
        if (ranking.Victim < 0)
        {
            if (rehearsal)
            {
                return KillOutcome.NoCandidate;
            }

            FlushPressure();
            _events.Emit(new DaemonEvent
            {
                Event = "warning",
                Code = "no_candidate",
                Message = $"memory is short ({Trigger(level, sample, thresholdKiB)}) but no process may be chosen; the kernel's OOM killer remains the last resort",
                AvailableKiB = sample.AvailableKiB,
                ThresholdKiB = thresholdKiB,
            });
            return KillOutcome.NoCandidate;
        }

        int victimIndex = ranking.Victim;
        ProcessFacts victim = ranking[victimIndex].Process;

        // A process unit needs nothing fresher than the scan: the pidfd check pins pid + start time, and an
        // exec since discovery was seen by the scan (statm changes). A group or cgroup unit needs the
        // victim's current process group and cgroup.
        if (ranking[victimIndex].Unit != KillUnit.Process && !_monitor.Table.RefreshNow(victim))
        {
            return KillOutcome.Vanished;
        }

        List<ProcessFacts> members = KillUnitResolver.Resolve(ranking, victimIndex);
        int signal = level == PressureLevel.Kill ? SIGKILL : SIGTERM;
        if (_settings.DryRun && !rehearsal)
        {
            FlushPressure();
            _events.Emit(KillEvent(ranking, victimIndex, members, signal, level, in sample, thresholdKiB, escalated: false, dryRun: true));
            return KillOutcome.DryRun;
        }

        var pidfds = new List<PidFd>(members.Count);
        try
        {
            foreach (ProcessFacts m in members)
            {
                if (PidFd.TryOpen(m.Pid, m.StartTime, out _) is { } fd)
                {
                    pidfds.Add(fd);
                }
                else if (ReferenceEquals(m, victim))
                {
                    return KillOutcome.Vanished; // exited (or its pid was reused) since the scan
                }
            }

            PidFd victimFd = pidfds[0];
            if (rehearsal)
            {
                _ = SignalAll(pidfds, 0); // signal 0: a permission check that delivers nothing
                return WaitForExit(pidfds, victim, signal, levels, episodeStart, Stopwatch.GetTimestamp(), static () => new DaemonEvent { Event = "kill" }, rehearsal: true);
            }

            // Signal first, explain after: the event is built once the victim is already dying.
            long signalStart = Stopwatch.GetTimestamp();
            int errno = SignalAll(pidfds, signal);
            long signalDone = Stopwatch.GetTimestamp();
            double decisionMs = Stopwatch.GetElapsedTime(episodeStart).TotalMilliseconds;
            FlushPressure();
            if (errno != 0 && victimFd.SendSignal(0) != 0)
            {
                _events.Emit(new DaemonEvent
                {
                    Event = "warning",
                    Code = "signal_failed",
                    Pid = victim.Pid,
                    Comm = victim.Comm,
                    Message = $"could not signal {victim.Pid} ({victim.Comm}): {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}",
                });
                return KillOutcome.Failed;
            }

            Statistics.Kills++;
            Statistics.LastKill = $"{victim.Pid} ({victim.Comm}) at {EventLog.FormatTimestamp(DateTimeOffset.UtcNow)}";
            string signalledAt = EventLog.FormatTimestamp(DateTimeOffset.UtcNow);

            // The kill event is built while the victim tears down, but only after a first short wait: a small
            // victim is often gone by then, and its exit is timed without our own work in between.
            MemorySample signalledSample = sample;
            DaemonEvent BuildKill()
            {
                DaemonEvent kill = KillEvent(ranking, victimIndex, members, signal, level, in signalledSample, thresholdKiB, escalated: false, dryRun: false);
                kill.Ts = signalledAt;
                kill.DecisionMs = Math.Round(decisionMs, 2);
                kill.Timings = string.Create(CultureInfo.InvariantCulture,
                    $"wake {Stopwatch.GetElapsedTime(episodeStart, actStart).TotalMilliseconds:0.00} ms, scan {Stopwatch.GetElapsedTime(actStart, scanned).TotalMilliseconds:0.00} ms, rank {Stopwatch.GetElapsedTime(scanned, ranked).TotalMilliseconds:0.00} ms, pin+signal {Stopwatch.GetElapsedTime(ranked, signalDone).TotalMilliseconds:0.00} ms");
                return kill;
            }

            return WaitForExit(pidfds, victim, signal, levels, episodeStart, signalStart, BuildKill);
        }
        finally
        {
            foreach (PidFd fd in pidfds)
            {
                fd.Dispose();
            }
        }
    }

    /// <summary>
    /// Runs every step a kill takes — scan, ranking, unit, pidfd, event building and serialisation — without
    /// signalling anyone, so the JIT compiles them at start-up and not in the middle of a shortage (the
    /// first real decision was ~80 ms slower without it). earlyoom's start-up self-test does the same.
    /// </summary>
    public void WarmUp()
    {
        long now = Clock.BootTimeMs();
        _monitor.Scan(now);
        _onScan?.Invoke(_monitor.Table.Processes, now);
        _monitor.Scope.Memory.TryRead(now, out MemorySample current);
        Act(PressureLevel.Terminate, in current, _settings.Thresholds.Resolve(in current), 0, Stopwatch.GetTimestamp(), rehearsal: true);

        // The scope may be empty now (a fresh cgroup): rank the daemon itself and pid 1 as well, so rule
        // matching, the kernel arithmetic and the explanations are compiled whatever the scope holds.
        using var selfTable = new ProcessTable();
        selfTable.Scan(new FixedPidSource(Environment.ProcessId, 1), new PidList(), now, _settings.ScanInterval.Milliseconds);
        Ranking ranking = _monitor.Rank(now, _pardons, selfTable.Processes);
        _monitor.Scope.Memory.TryRead(now, out MemorySample sample);
        ResolvedThresholds levels = _settings.Thresholds.Resolve(in sample);
        levels.Evaluate(in sample, out long thresholdKiB);
        int index = ranking.Victim >= 0 ? ranking.Victim : ranking.Count > 0 ? 0 : -1;
        if (index >= 0)
        {
            List<ProcessFacts> members = KillUnitResolver.Resolve(ranking, index);
            DaemonEvent e = KillEvent(ranking, index, members, SIGTERM, PressureLevel.Terminate, in sample, thresholdKiB, escalated: false, dryRun: true);
            _ = System.Text.Json.JsonSerializer.Serialize(e, EventJsonContext.Default.DaemonEvent);
        }

        using (PidFd? self = PidFd.TryOpen(Environment.ProcessId, null, out _))
        {
            if (self is not null)
            {
                // Signal 0 checks permission only; process_mrelease() of a live process fails with EINVAL.
                _ = self.SendSignal(0);
                _ = self.ReleaseMemory();
                _ = self.HasExited;
                _ = new WaitSet([(Stop.Fd, WaitSet.In), (self.Fd, WaitSet.In)]).Wait(0);
            }
        }

        _ = System.Text.Json.JsonSerializer.Serialize(PressureEvent(PressureLevel.Terminate, in sample, thresholdKiB), EventJsonContext.Default.DaemonEvent);
        var exited = new DaemonEvent
        {
            Event = "victim_exited",
            LatencyMs = 1.5,
            Message = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} exited {1.5:0.#} ms after {Trigger(PressureLevel.Kill, in sample, thresholdKiB)}"),
        };
        _ = System.Text.Json.JsonSerializer.Serialize(exited, EventJsonContext.Default.DaemonEvent);
        _ = EventLog.FormatTimestamp(DateTimeOffset.UtcNow);
    }

    private static int SignalAll(List<PidFd> pidfds, int signal)
    {
        int firstError = 0;
        foreach (PidFd fd in pidfds)
        {
            int errno = fd.SendSignal(signal);
            if (errno != 0 && firstError == 0 && ReferenceEquals(fd, pidfds[0]))
            {
                firstError = errno;
            }
        }

        if (signal == SIGKILL)
        {
            // With SIGKILL pending, process_mrelease() frees the address space now rather than when the
            // exit completes (mm/oom_kill.c). Failure (an older kernel, already gone) changes nothing.
            foreach (PidFd fd in pidfds)
            {
                fd.ReleaseMemory();
            }
        }

        return firstError;
    }

    private KillOutcome WaitForExit(List<PidFd> pidfds, ProcessFacts victim, int signal, ResolvedThresholds levels, long episodeStart, long firstSignal, Func<DaemonEvent> buildKill, bool rehearsal = false)
    {
        if (rehearsal)
        {
            return KillOutcome.DryRun;
        }

        PidFd victimFd = pidfds[0];
        long signalledAt = firstSignal;
        bool killEmitted = false;
        int firstWaitMs = 20;
        long graceTicks = (long)(_settings.KillGrace.TotalSeconds * Stopwatch.Frequency);
        long exitTimeoutTicks = (long)(_settings.ExitTimeout.TotalSeconds * Stopwatch.Frequency);
        bool escalated = false;
        var wait = new WaitSet([(Stop.Fd, WaitSet.In), (victimFd.Fd, WaitSet.In)]);
        while (true)
        {
            int mask = wait.Wait(firstWaitMs);
            firstWaitMs = 5;
            bool exited = (mask & 2) != 0 || victimFd.HasExited;
            long exitTs = Stopwatch.GetTimestamp();
            if (!killEmitted)
            {
                killEmitted = true;
                _events.Emit(buildKill());
            }

            if (exited)
            {
                double latencyMs = Stopwatch.GetElapsedTime(episodeStart, exitTs).TotalMilliseconds;
                Statistics.LastLatencyMs = latencyMs;
                _events.Emit(new DaemonEvent
                {
                    Event = "victim_exited",
                    Pid = victim.Pid,
                    Comm = victim.Comm,
                    LatencyMs = Math.Round(latencyMs, 2),
                    TeardownMs = Math.Round(Stopwatch.GetElapsedTime(firstSignal, exitTs).TotalMilliseconds, 2),
                    Escalated = escalated,
                    Message = string.Create(CultureInfo.InvariantCulture,
                        $"{victim.Pid} ({victim.Comm}) exited {latencyMs:0.#} ms after the level was crossed{(escalated ? " (after SIGKILL)" : "")}"),
                });

                // The rest of a unit gets a moment to follow; they were signalled together.
                for (int i = 1; i < pidfds.Count; i++)
                {
                    pidfds[i].WaitForExit(100);
                }

                return KillOutcome.Exited;
            }

            if ((mask & 1) != 0)
            {
                return KillOutcome.Stopped;
            }

            long elapsed = Stopwatch.GetTimestamp() - signalledAt;
            if (signal == SIGTERM && !escalated)
            {
                bool killLevel = _monitor.Scope.Memory.TryRead(Clock.BootTimeMs(), out MemorySample now) &&
                    levels.Evaluate(in now, out _) == PressureLevel.Kill;
                if (killLevel || elapsed >= graceTicks)
                {
                    escalated = true;
                    Statistics.Escalations++;
                    signalledAt = Stopwatch.GetTimestamp();
                    SignalAll(pidfds, SIGKILL);
                    _events.Emit(new DaemonEvent
                    {
                        Event = "kill",
                        Pid = victim.Pid,
                        Comm = victim.Comm,
                        Exe = victim.Exe,
                        Uid = victim.Uid,
                        Signal = "SIGKILL",
                        Escalated = true,
                        AvailableKiB = killLevel ? now.AvailableKiB : null,
                        ThresholdKiB = killLevel ? levels.KillKiB : null,
                        Reason = killLevel
                            ? $"escalated: available fell to the kill level before {victim.Pid} exited"
                            : $"escalated: {victim.Pid} did not exit within {Sizes.FormatDuration(_settings.KillGrace)} of SIGTERM",
                        Message = $"SIGKILL {victim.Pid} ({victim.Comm}): " + (killLevel ? "memory reached the kill level" : $"still alive {Sizes.FormatDuration(_settings.KillGrace)} after SIGTERM"),
                    });
                }
            }
            else if (elapsed >= exitTimeoutTicks)
            {
                _events.Emit(new DaemonEvent
                {
                    Event = "warning",
                    Code = "victim_stuck",
                    Pid = victim.Pid,
                    Comm = victim.Comm,
                    Message = $"{victim.Pid} ({victim.Comm}) has not exited {Sizes.FormatDuration(_settings.ExitTimeout)} after SIGKILL (uninterruptible sleep?); choosing again",
                });
                return KillOutcome.Failed;
            }
        }
    }

    private DaemonEvent PressureEvent(PressureLevel level, in MemorySample sample, long thresholdKiB)
    {
        return new DaemonEvent
        {
            Ts = EventLog.FormatTimestamp(DateTimeOffset.UtcNow),
            Event = "pressure",
            Level = level == PressureLevel.Kill ? "kill" : "term",
            AvailableKiB = sample.AvailableKiB,
            ThresholdKiB = thresholdKiB,
            TotalKiB = sample.TotalKiB,
            SwapFreeKiB = sample.SwapTotalKiB > 0 ? sample.SwapFreeKiB : null,
            Message = "memory is short: " + Trigger(level, sample, thresholdKiB),
        };
    }

    /// <summary>Emits the episode's pressure event if it has not been yet.</summary>
    private void FlushPressure()
    {
        if (_pendingPressure is { } e)
        {
            _pendingPressure = null;
            _events.Emit(e);
        }
    }

    private static string Trigger(PressureLevel level, in MemorySample sample, long thresholdKiB)
    {
        string text = string.Create(CultureInfo.InvariantCulture,
            $"available {Units.FormatKiB(sample.AvailableKiB)} of {Units.FormatKiB(sample.TotalKiB)} ≤ {(level == PressureLevel.Kill ? "kill" : "term")} level {Units.FormatKiB(thresholdKiB)}");
        if (sample.SwapTotalKiB > 0)
        {
            text += $", swap free {Units.FormatKiB(sample.SwapFreeKiB)} of {Units.FormatKiB(sample.SwapTotalKiB)}";
        }

        return text;
    }

    private DaemonEvent KillEvent(Ranking ranking, int victimIndex, List<ProcessFacts> members, int signal, PressureLevel level, in MemorySample sample, long thresholdKiB, bool escalated, bool dryRun)
    {
        ref Evaluation e = ref ranking[victimIndex];
        ProcessFacts p = e.Process;
        long kibPerPage = ranking.Scope.PageSize / 1024;
        List<string> reasons = Explanation.Reasons(in e, ranking.Scope, victimIndex == ranking.KernelVictim, isVictim: true);
        var candidates = new List<CandidateReport>();
        foreach (int i in ranking.CandidatesInOrder())
        {
            if (candidates.Count == _settings.CandidatesInEvent)
            {
                break;
            }

            ref Evaluation c = ref ranking[i];
            candidates.Add(new CandidateReport
            {
                Pid = c.Process.Pid,
                Comm = c.Process.Comm,
                Score = c.Score,
                KernelBadness = c.KernelBadness,
                RssKiB = c.Process.RssPages * kibPerPage,
                GrowthKiB = c.GrowthPages * kibPerPage,
                Tier = Explanation.Describe(c.Tier),
                Reasons = Explanation.Reasons(in c, ranking.Scope, i == ranking.KernelVictim, i == victimIndex),
            });
        }

        string signalName = signal == SIGKILL ? "SIGKILL" : "SIGTERM";
        string trigger = Trigger(level, sample, thresholdKiB);
        string why = reasons.Count > 1 ? string.Join("; ", reasons.Skip(1)) : "highest score";
        int? kernelVictim = ranking.KernelVictim >= 0 ? ranking[ranking.KernelVictim].Process.Pid : null;
        string unitText = members.Count > 1 ? $" with its {Explanation.Describe(e.Unit)} ({members.Count} processes)" : "";
        return new DaemonEvent
        {
            Event = "kill",
            Pid = p.Pid,
            Comm = p.Comm,
            Exe = p.Exe,
            Uid = p.Uid,
            Signal = signalName,
            Unit = Explanation.Describe(e.Unit),
            UnitPids = members.Select(m => m.Pid).ToList(),
            Score = e.Score,
            KernelBadness = e.KernelBadness,
            Reason = $"{trigger}; chosen: {why}",
            Reasons = reasons,
            AvailableKiB = sample.AvailableKiB,
            ThresholdKiB = thresholdKiB,
            TotalKiB = sample.TotalKiB,
            Level = level == PressureLevel.Kill ? "kill" : "term",
            Candidates = candidates,
            KernelVictim = kernelVictim,
            RssKiB = p.RssPages * kibPerPage,
            Spared = Spared(ranking),
            DryRun = dryRun ? true : null,
            Escalated = escalated ? true : null,
            Message = (dryRun ? "dry run, would send " : "") +
                $"{signalName} to {p.Pid} ({p.Comm}){unitText}, {Units.FormatPages(p.RssPages + p.SwapPages, ranking.Scope.PageSize)}: {trigger}; score {e.Score} ({why})" +
                (kernelVictim is int kv && kv != p.Pid ? $"; the kernel would have killed {kv}" : ""),
        };
    }
}
