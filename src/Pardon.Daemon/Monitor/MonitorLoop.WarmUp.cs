// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using Pardon.Core;
using Pardon.Core.Engine;
using Pardon.Daemon.Events;
using Pardon.Linux.Io;
using Pardon.Linux.Monitoring;
using Pardon.Linux.Processes;
using Pardon.Linux.Procfs;

namespace Pardon.Daemon.Monitor;

public sealed partial class MonitorLoop
{
    private readonly HashSet<(ScopeKind, CgroupVersion?)> _rehearsed = [];

    /// <summary>
    /// Runs every step a kill takes — the scan round, ranking, unit, pidfd, the kill tracker's whole course
    /// (registration in the epoll set, the delayed kill event, escalation, the exit, giving up), the scope's
    /// step in each of its branches, the deadline heap, event building and serialisation — without
    /// signalling anyone, so the JIT compiles them at start-up and not in the middle of a shortage (the
    /// first real decision was ~80 ms slower without it). earlyoom's start-up self-test does the same.
    /// Call before <see cref="Run"/>, on the thread that will lock the daemon's memory.
    /// </summary>
    public void WarmUp()
    {
        long now = Clock.BootTimeMs();
        foreach (WatchedScope scope in _scopes)
        {
            scope.ScanRequested = true;
        }

        ScanRound(now);
        foreach (WatchedScope scope in _scopes)
        {
            RehearseScope(scope);
        }

        if (_scopes.Count > 0)
        {
            RehearseTracker(_scopes[0]);
        }

        RehearseStep(now);
        RehearseWait(now);
    }

    /// <summary>The kill path on one kind of scope (system, cgroup v1, cgroup v2), once per kind, up to the signal.</summary>
    private void RehearseScope(WatchedScope scope)
    {
        if (!_rehearsed.Add((scope.Resolved.Kind, scope.Resolved.Cgroup?.Version)))
        {
            return;
        }

        long now = Clock.BootTimeMs();
        scope.Resolved.Memory.TryRead(now, out MemorySample current);
        ResolvedThresholds levels = Settings.Thresholds.Resolve(in current);
        levels.Evaluate(in current, out long thresholdKiB);
        Act(scope, PressureLevel.Terminate, in current, levels, thresholdKiB, rehearsal: true);

        // The scope may be empty now (a fresh cgroup): rank the daemon itself and pid 1 in it as well, so rule
        // matching, the kernel arithmetic and the explanations are compiled whatever the scope holds.
        ProcessView view = Table.CreateView(new FixedPidSource(Environment.ProcessId, 1));
        try
        {
            Table.BeginScan(now, _policy.GrowthWindowMs);
            Table.ScanView(view);
            Table.EndScan();
            Ranking ranking = scope.Monitor.Rank(now, _pardons, view.Processes);
            int index = ranking.Victim >= 0 ? ranking.Victim : ranking.Count > 0 ? 0 : -1;
            if (index >= 0)
            {
                List<ProcessFacts> members = KillUnitResolver.Resolve(ranking, index);
                Serialize(KillEvent(scope, ranking, index, members, Signals.SIGTERM, PressureLevel.Terminate, in current, thresholdKiB, escalated: false, dryRun: true));
            }
        }
        finally
        {
            Table.RemoveView(view);
        }

        Serialize(PressureEvent(scope, PressureLevel.Terminate, in current, thresholdKiB));
        Serialize(ScopeAddedEvent(scope, current, levels));
        _ = InScope(scope);
        _ = EventLog.FormatTimestamp(DateTimeOffset.UtcNow);
    }

    /// <summary>A kill tracker's whole course on the daemon's own pidfd: signal 0 only, events serialised but not written.</summary>
    private void RehearseTracker(WatchedScope scope)
    {
        long now = Clock.BootTimeMs();
        int self = Environment.ProcessId;
        var pidfds = new List<PidFd>(2);
        for (int i = 0; i < 2; i++)
        {
            if (PidFd.TryOpen(self, null, out _, _procRoot) is { } fd)
            {
                pidfds.Add(fd);
            }
        }

        if (pidfds.Count == 0)
        {
            return;
        }

        // Signal 0 checks permission only; process_mrelease() of a live process fails with EINVAL.
        _ = pidfds[0].SendSignal(Signals.None);
        _ = pidfds[0].ReleaseMemory();
        _ = pidfds[0].HasExited;
        ProcessFacts facts = Table.Find(self) ?? new ProcessFacts { Pid = self, Comm = "pardon" };
        scope.Resolved.Memory.TryRead(now, out MemorySample sample);
        ResolvedThresholds levels = Settings.Thresholds.Resolve(in sample);
        long ticks = Stopwatch.GetTimestamp();
        KillTracker tracker = scope.Tracker;
        tracker.Start(pidfds, facts, Signals.SIGTERM, now, ticks, ticks, () => new DaemonEvent { Event = "kill", Scope = scope.Label }, rehearsal: true);
        _ = tracker.Progress;
        _ = tracker.NextDeadlineMs;
        tracker.Tick(now);
        tracker.Escalate(killLevel: true, in sample, levels, now);
        tracker.MarkExited(Stopwatch.GetTimestamp());
        tracker.Tick(now + 1);
        tracker.Abandon();
        foreach (PidFd fd in pidfds)
        {
            fd.Dispose(); // normally taken over (and closed) by the tracker; never twice harmful
        }
    }

    /// <summary>Every branch of a scope's step and the deadline heap, on throwaway instances.</summary>
    private void RehearseStep(long now)
    {
        var step = new ScopeStep(_stepSettings);
        var scarce = new MemorySample(1L << 20, 0, 0, 0, now);
        var plenty = new MemorySample(1L << 20, 1L << 20, 0, 0, now);
        ScopeDecision d = step.Step(new ScopeInput(in plenty, now, VictimProgress.None));
        d = step.Step(new ScopeInput(in scarce, now, VictimProgress.None));
        foreach (ActOutcome outcome in (ReadOnlySpan<ActOutcome>)[ActOutcome.Vanished, ActOutcome.DryRun, ActOutcome.NoCandidate, ActOutcome.Signalled])
        {
            _ = step.Acted(outcome, now);
        }

        d = step.Step(new ScopeInput(in scarce, now, VictimProgress.Terminated(now)));
        d = step.Step(new ScopeInput(in plenty, now, VictimProgress.Terminated(now)));
        d = step.Step(new ScopeInput(in scarce, now + _stepSettings.ExitTimeoutMs + 1, VictimProgress.Killed(now, now)));
        _ = step.Unreadable(now);

        var heap = new DeadlineHeap(4);
        heap.Set(1, d.WakeAtMs);
        heap.Set(0, now);
        heap.Set(1, now - 1);
        _ = heap.TryPeek(out _, out _);
        _ = heap.TryPopDue(now, out _);
        _ = heap.Remove(0);
    }

    /// <summary>The wait and the handling of a ready descriptor, with an eventfd of its own (a token no scope owns).</summary>
    private void RehearseWait(long now)
    {
        using var ev = new EventFd();
        if (Epoll.Add(ev.Fd, EpollSet.In, EngineToken.Make(EngineToken.Victim, int.MaxValue, 0)) != 0)
        {
            return;
        }

        ev.Signal();
        int ready = Epoll.Wait(0);
        for (int i = 0; i < ready; i++)
        {
            _ = HandleReady(i, now);
        }

        Epoll.Remove(ev.Fd);
        _ = ev.Drain();
        _ = RunDueScopesRehearsal();
    }

    /// <summary>Compiles the due-scope walk without stepping anyone: no deadline is before the start of time.</summary>
    private bool RunDueScopesRehearsal() => RunDueScopes(long.MinValue);

    private static void Serialize(DaemonEvent e) => _ = System.Text.Json.JsonSerializer.Serialize(e, EventJsonContext.Default.DaemonEvent);
}
