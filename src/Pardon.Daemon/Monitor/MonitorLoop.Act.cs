// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using Pardon.Core;
using Pardon.Core.Engine;
using Pardon.Core.Stall;
using Pardon.Daemon.Events;
using Pardon.Daemon.Stall;
using Pardon.Linux.Io;
using Pardon.Linux.Processes;

namespace Pardon.Daemon.Monitor;

public sealed partial class MonitorLoop
{
    /// <summary>
    /// Acts on a scope's shortage: a fresh scan of the scope and a ranking, the victim's unit pinned with
    /// pidfds (pid + start time, so a recycled pid is never hit), the signal — and then hands the victim to
    /// the scope's kill tracker, which follows it without blocking (its pidfd in the epoll set; SIGKILL and
    /// giving up on the scope's deadlines). Only one victim at a time per scope: the next decision is made
    /// on a fresh reading after this one has exited.
    /// </summary>
    /// <param name="rehearsal">
    /// Start-up only: run the decision up to the signal — nothing is signalled or reported — so that the
    /// JIT compiles this method then. Compiling it at the first real shortage cost 10–14 ms between seeing
    /// the level crossed and the signal, enough for a fast allocator to reach the kernel's OOM killer first.
    /// </param>
    /// <param name="stall">The stall criterion asked for this act: the victim is the stall's culprit (<see cref="StallCulprit"/>).</param>
    private ActOutcome Act(WatchedScope scope, PressureLevel level, in MemorySample sample, ResolvedThresholds levels, long thresholdKiB, bool rehearsal = false, bool stall = false)
    {
        stall &= scope.Stall is not null;
        long now = Clock.BootTimeMs();
        long actStart = Stopwatch.GetTimestamp();
        long episodeStart = scope.EpisodeStartTicks;
        ScanRound(now, only: scope);
        long scanned = Stopwatch.GetTimestamp();
        Ranking ranking = scope.Monitor.Rank(now, _pardons);
        long ranked = Stopwatch.GetTimestamp();
        if (ranking.Victim < 0)
        {
            if (rehearsal)
            {
                return ActOutcome.NoCandidate;
            }

            FlushPressure(scope);
            Events.Emit(new DaemonEvent
            {
                Event = "warning",
                Code = "no_candidate",
                Scope = scope.Label,
                Message = $"memory is short ({(stall ? scope.Stall!.DescribeStall() : Trigger(level, sample, thresholdKiB))}){InScope(scope)} but no process may be chosen; the kernel's OOM killer remains the last resort",
                AvailableKiB = sample.AvailableKiB,
                ThresholdKiB = thresholdKiB,
            });
            return ActOutcome.NoCandidate;
        }

        int victimIndex = stall ? StallCulprit.Choose(ranking, Settings.Stall.ForMs) : ranking.Victim;
        ProcessFacts victim = ranking[victimIndex].Process;

        // A process unit needs nothing fresher than the scan: the pidfd check pins pid + start time, and an
        // exec since discovery was seen by the scan (statm changes). A group or cgroup unit needs the
        // victim's current process group and cgroup, and so does a memory.oom.group lookup (v2).
        if ((ranking[victimIndex].Unit != KillUnit.Process || MayHaveOomGroups(scope)) && !Table.RefreshNow(victim))
        {
            return ActOutcome.Vanished;
        }

        KillPlan plan = PlanKill(scope, ranking, victimIndex, Clock.BootTimeMs());
        List<ProcessFacts> members = plan.Members;
        int signal = level == PressureLevel.Kill ? Signals.SIGKILL : Signals.SIGTERM;
        if (Settings.DryRun && !rehearsal)
        {
            FlushPressure(scope);
            Events.Emit(KillEvent(scope, ranking, victimIndex, plan, signal, level, in sample, thresholdKiB, escalated: false, dryRun: true, stall));
            return ActOutcome.DryRun;
        }

        var pidfds = new List<PidFd>(members.Count);
        try
        {
            foreach (ProcessFacts m in members)
            {
                if (PidFd.TryOpen(m.Pid, m.StartTime, out _, _procRoot) is { } fd)
                {
                    pidfds.Add(fd);
                }
                else if (ReferenceEquals(m, victim))
                {
                    return ActOutcome.Vanished; // exited (or its pid was reused) since the scan
                }
            }

            if (rehearsal)
            {
                _ = SignalAll(pidfds, Signals.None); // signal 0: a permission check that delivers nothing
                return ActOutcome.DryRun;
            }

            // Signal first, explain after: the event is built once the victim is already dying.
            long signalStart = Stopwatch.GetTimestamp();
            int errno = SignalAll(pidfds, signal);
            bool cgroupKilled = signal == Signals.SIGKILL && !rehearsal && KillCgroup(scope, plan);
            long signalDone = Stopwatch.GetTimestamp();
            double decisionMs = Stopwatch.GetElapsedTime(episodeStart).TotalMilliseconds;
            FlushPressure(scope);
            if (errno != 0 && pidfds[0].SendSignal(Signals.None) != 0)
            {
                Events.Emit(new DaemonEvent
                {
                    Event = "warning",
                    Code = "signal_failed",
                    Scope = scope.Label,
                    Pid = victim.Pid,
                    Comm = victim.Comm,
                    Message = $"could not signal {victim.Pid} ({victim.Comm}){InScope(scope)}: {Pardon.Linux.Io.Errors.Describe(errno)}",
                });
                return ActOutcome.Failed;
            }

            string signalledAt = EventLog.FormatTimestamp(DateTimeOffset.UtcNow);
            string lastKill = $"{victim.Pid} ({victim.Comm}) at {signalledAt}{InScope(scope)}";
            scope.Statistics.Kills++;
            scope.Statistics.StallKills += stall ? 1 : 0;
            scope.Statistics.LastKill = lastKill;
            Statistics.Kills++;
            Statistics.LastKill = lastKill;

            // Built by the tracker while the victim tears down, after a first short wait or at its exit.
            MemorySample signalledSample = sample;
            DaemonEvent BuildKill()
            {
                DaemonEvent kill = KillEvent(scope, ranking, victimIndex, plan, signal, level, in signalledSample, thresholdKiB, escalated: false, dryRun: false, stall);
                kill.CgroupKill = cgroupKilled ? true : null;
                kill.Ts = signalledAt;
                kill.DecisionMs = Math.Round(decisionMs, 2);
                kill.Timings = string.Create(CultureInfo.InvariantCulture,
                    $"wake {Stopwatch.GetElapsedTime(episodeStart, actStart).TotalMilliseconds:0.00} ms, scan {Stopwatch.GetElapsedTime(actStart, scanned).TotalMilliseconds:0.00} ms, rank {Stopwatch.GetElapsedTime(scanned, ranked).TotalMilliseconds:0.00} ms, pin+signal {Stopwatch.GetElapsedTime(ranked, signalDone).TotalMilliseconds:0.00} ms");
                return kill;
            }

            scope.Tracker.Start(pidfds, victim, signal, Clock.BootTimeMs(), episodeStart, signalStart, BuildKill, plan);
            return ActOutcome.Signalled;
        }
        finally
        {
            // The tracker took over the pidfds of a signalled unit; whatever is left here is closed.
            foreach (PidFd fd in pidfds)
            {
                fd.Dispose();
            }
        }
    }

    /// <summary>Signals every pidfd of a unit (the victim first); returns the victim's errno, 0 when it was signalled.</summary>
    internal static int SignalAll(List<PidFd> pidfds, int signal)
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

        if (signal == Signals.SIGKILL)
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

    private DaemonEvent PressureEvent(WatchedScope scope, PressureLevel level, in MemorySample sample, long thresholdKiB)
    {
        return new DaemonEvent
        {
            Ts = EventLog.FormatTimestamp(DateTimeOffset.UtcNow),
            Event = "pressure",
            Scope = scope.Label,
            Level = level == PressureLevel.Kill ? "kill" : "term",
            AvailableKiB = sample.AvailableKiB,
            ThresholdKiB = thresholdKiB,
            TotalKiB = sample.TotalKiB,
            SwapFreeKiB = sample.SwapTotalKiB > 0 ? sample.SwapFreeKiB : null,
            Message = "memory is short: " + Trigger(level, sample, thresholdKiB) + InScope(scope),
        };
    }

    /// <summary>Emits the episode's pressure event if it has not been yet.</summary>
    private void FlushPressure(WatchedScope scope)
    {
        if (scope.PendingPressure is { } e)
        {
            scope.PendingPressure = null;
            Events.Emit(e);
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

    private DaemonEvent KillEvent(WatchedScope scope, Ranking ranking, int victimIndex, KillPlan plan, int signal, PressureLevel level, in MemorySample sample, long thresholdKiB, bool escalated, bool dryRun, bool stall = false)
    {
        ref Evaluation e = ref ranking[victimIndex];
        ProcessFacts p = e.Process;
        List<ProcessFacts> members = plan.Members;
        long kibPerPage = ranking.Scope.PageSize / 1024;
        List<string> reasons = Explanation.Reasons(in e, ranking.Scope, victimIndex == ranking.KernelVictim, isVictim: true);
        (string Reason, StallKillFields Fields, bool HadDemand)? stallKill = stall && scope.Stall is { } ss ? StallKillDetails(ss, p, ranking.Scope.PageSize) : null;
        if (stallKill is { } sk)
        {
            reasons[0] = sk.HadDemand ? "the memory stall's culprit: it made the kernel find the most pages" : "the memory stall's victim: nobody showed major faults or growth, so Pardon's usual order chose";
            reasons.Insert(1, StallExplanation.DescribeCulprit(p, p.Faults.Rates(Settings.Stall.ForMs), ranking.Scope.PageSize));
        }

        var candidates = new List<CandidateReport>();
        foreach (int i in stall ? StallCulprit.CandidatesInOrder(ranking, Settings.Stall.ForMs) : ranking.CandidatesInOrder())
        {
            if (candidates.Count == Settings.CandidatesInEvent)
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
                Reasons = stall
                    ? [StallExplanation.DescribeCulprit(c.Process, c.Process.Faults.Rates(Settings.Stall.ForMs), ranking.Scope.PageSize), .. Explanation.Reasons(in c, ranking.Scope, i == ranking.KernelVictim, i == victimIndex)]
                    : Explanation.Reasons(in c, ranking.Scope, i == ranking.KernelVictim, i == victimIndex),
            }.WithPlacement(in c));
        }

        string signalName = signal == Signals.SIGKILL ? "SIGKILL" : "SIGTERM";
        string trigger = stallKill is { } k ? k.Reason : Trigger(level, sample, thresholdKiB);
        string why = stallKill is not null ? reasons[0] : reasons.Count > 1 ? string.Join("; ", reasons.Skip(1)) : "highest score";
        int? kernelVictim = ranking.KernelVictim >= 0 ? ranking[ranking.KernelVictim].Process.Pid : null;
        string unitText = UnitText(plan);
        return new DaemonEvent
        {
            Event = "kill",
            Scope = scope.Label,
            Pid = p.Pid,
            Comm = p.Comm,
            Exe = p.Exe,
            Uid = p.Uid,
            Signal = signalName,
            Unit = Explanation.Describe(plan.Unit),
            UnitPids = members.Select(m => m.Pid).ToList(),
            Score = e.Score,
            KernelBadness = e.KernelBadness,
            Reason = $"{trigger}; chosen: {why}",
            Reasons = reasons,
            AvailableKiB = sample.AvailableKiB,
            ThresholdKiB = stallKill is null ? thresholdKiB : null,
            TotalKiB = sample.TotalKiB,
            Level = stallKill is not null ? "stall" : level == PressureLevel.Kill ? "kill" : "term",
            Trigger = stallKill is not null ? "stall" : null,
            StallPercent = stallKill?.Fields.StallPercent,
            StallAbovePercent = stallKill is not null ? Settings.Stall.AbovePercent : null,
            StallWindowMs = stallKill is not null ? Settings.Stall.ForMs : null,
            StallKind = stallKill is not null ? Settings.Stall.KindText : null,
            StallAvg10 = stallKill is not null ? scope.Stall!.Sample.Avg10(Settings.Stall.Kind) : null,
            MajorFaultsPerSecond = stallKill?.Fields.MajorFaultsPerSecond,
            SwapInKiBPerSecond = stallKill?.Fields.SwapInKiBPerSecond,
            SwapOutKiBPerSecond = stallKill?.Fields.SwapOutKiBPerSecond,
            SwapKiB = stallKill?.Fields.SwapKiB,
            Candidates = candidates,
            KernelVictim = kernelVictim,
            RssKiB = p.RssPages * kibPerPage,
            Spared = Spared(ranking),
            DryRun = dryRun ? true : null,
            Escalated = escalated ? true : null,
            Message = (dryRun ? "dry run, would send " : "") +
                $"{signalName} to {p.Pid} ({p.Comm}){PlacementText(in e)}{unitText}, {Units.FormatPages(p.RssPages + p.SwapPages, ranking.Scope.PageSize)}: {trigger}; score {e.Score} ({why})" +
                (kernelVictim is int kv && kv != p.Pid ? $"; the kernel would have killed {kv}" : "") + InScope(scope),
        }.WithPlacement(in e).WithPlan(plan);
    }
}
