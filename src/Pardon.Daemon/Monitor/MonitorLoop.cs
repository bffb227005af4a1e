// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using Pardon.Core;
using Pardon.Core.Engine;
using Pardon.Core.Stall;
using Pardon.Daemon.Events;
using Pardon.Daemon.Stall;
using Pardon.Linux;
using Pardon.Linux.Io;
using Pardon.Linux.Monitoring;
using Pardon.Linux.Procfs;

namespace Pardon.Daemon.Monitor;

/// <summary>
/// The daemon's heart, on a thread of its own: the engine that watches every scope. It owns one process
/// table for the machine (each scope is a view of it), the scopes (each a pure <see cref="ScopeStep"/>
/// with its levels, poll planner and episode), one epoll set that grows and shrinks while it runs (the
/// stop eventfd, each scope's wake-up descriptors, the pidfds of victims being waited for) and a deadline
/// heap (each scope's next reading). An iteration sleeps until the earliest deadline or a descriptor,
/// steps the scopes that are due, scans in one round the processes of those that asked, and acts. A kill
/// never blocks the loop: the victim is followed by its scope's <see cref="KillTracker"/> through its
/// pidfd and the scope's deadlines, so one scope waiting out a SIGTERM grace never delays another.
/// In steady state an iteration allocates nothing: readings go into reused buffers, the sleep is an
/// epoll_wait(2) into a buffer allocated once, and the process table is updated in place.
/// </summary>
public sealed partial class MonitorLoop : IDisposable
{
    private readonly IPardonView? _pardons;
    private readonly ScanObserver? _onScan;
    private readonly Action? _onIteration;
    private readonly string _procRoot;
    private readonly SelectionPolicy _policy;
    private readonly VictimSelector _selector;
    private readonly StepSettings _stepSettings;
    private readonly DeadlineHeap _deadlines = new();
    private readonly List<WatchedScope?> _slots = [];
    private readonly List<int> _slotGenerations = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly List<WatchedScope> _scopes = [];
    private readonly Dictionary<string, WatchedScope> _byLabel = new(StringComparer.Ordinal);
    private int[] _due = new int[16];
    private bool _scanFailureReported;
    private bool _running;
    private bool _disposed;

    /// <param name="settings">Levels, timings and the dry-run switch, for every scope.</param>
    /// <param name="policy">How victims are chosen (rules, growth window), for every scope.</param>
    /// <param name="stop">Signalled to stop the loop (SIGTERM, SIGINT).</param>
    /// <param name="onIteration">Called once per iteration on the loop's thread (the systemd watchdog ping); must not allocate.</param>
    public MonitorLoop(
        MonitorSettings settings,
        SelectionPolicy policy,
        IEventSink events,
        IPardonView? pardons,
        ScanObserver? onScan,
        EventFd stop,
        Action? onIteration = null,
        string procRoot = "/proc")
    {
        Settings = settings;
        _policy = policy;
        Events = events;
        _pardons = pardons;
        _onScan = onScan;
        _onIteration = onIteration;
        _procRoot = procRoot;
        Stop = stop;
        _stepSettings = settings.ToStepSettings();
        _selector = new VictimSelector(policy);
        Table = new ProcessTable(procRoot) { FaultWindowMs = settings.Stall.ForMs };
        SystemMemory = new SystemMemoryReader(procRoot);
        Epoll = new EpollSet();
        int errno = Epoll.Add(stop.Fd, EpollSet.In, EngineToken.Make(EngineToken.Stop, 0, 0));
        if (errno != 0)
        {
            throw new LinuxException("epoll_ctl (stop eventfd)", errno);
        }
    }

    public EventFd Stop { get; }

    public MonitorStatistics Statistics { get; } = new();

    public MonitorSettings Settings { get; }

    /// <summary>The machine's process table; every scope is a view of it.</summary>
    public ProcessTable Table { get; }

    /// <summary>/proc/meminfo, read through one descriptor for every scope (give it to <see cref="ResolvedScope.Create(string?, SystemMemoryReader?, string)"/>).</summary>
    public SystemMemoryReader SystemMemory { get; }

    /// <summary>How many scopes are watched now.</summary>
    public int ScopeCount => _scopes.Count;

    internal IEventSink Events { get; }

    internal EpollSet Epoll { get; }

    /// <summary>Runs until <see cref="Stop"/> is signalled.</summary>
    public void Run()
    {
        int errno = SelfProtection.RaiseThreadPriority();
        if (errno != 0)
        {
            Events.Emit(new DaemonEvent
            {
                Event = "warning",
                Code = "priority",
                Message = $"cannot raise the monitor thread's priority to nice -20 ({Errors.Describe(errno)}; needs CAP_SYS_NICE): on a saturated machine its reaction may be delayed",
            });
        }

        _running = true;
        long start = Clock.BootTimeMs();
        foreach (WatchedScope scope in _scopes)
        {
            _deadlines.Set(ScopeKey(scope.Slot), start);
        }

        while (true)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            Statistics.Iterations++;
            long now = Clock.BootTimeMs();
            // Never longer than the longest poll, even with nothing due (no scope yet): the systemd watchdog is
            // pinged from here.
            long longest = (long)Settings.PollMax.TotalMilliseconds;
            int timeout = (int)Math.Clamp(_deadlines.TryPeek(out _, out long due) ? due - now : longest, 0, longest);
            int ready = Epoll.Wait(timeout);
            now = Clock.BootTimeMs();
            for (int i = 0; i < ready; i++)
            {
                if (!HandleReady(i, now))
                {
                    return;
                }
            }

            bool busy = RunDueScopes(now);
            bool steady = true;
            if (ScanRequested())
            {
                ScanRound(Clock.BootTimeMs());
                steady = Table.LastScanChanges == 0;
            }

            _onIteration?.Invoke();
            if (steady && !busy && Statistics.Iterations > 2)
            {
                Statistics.SteadyIterations++;
                Statistics.SteadyAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            }
        }
    }

    /// <summary>
    /// Starts watching a scope: its first reading, its levels, its wake-ups in the epoll set, a view in the
    /// process table, and a deadline due at once. Call before <see cref="Run"/>, or on the monitor thread.
    /// Takes ownership of <paramref name="resolved"/>. Throws <see cref="IOException"/> when its memory
    /// cannot be read (the scope is then not added and <paramref name="resolved"/> is disposed).
    /// </summary>
    /// <param name="pattern">The configured pattern that matched it; null for the system scope.</param>
    /// <param name="announce">Write a `scope_added` event (a scope that appeared while running).</param>
    /// <param name="warn">Where the scope's start-up warnings go (code, message); the event log by default.</param>
    public ScopeStatistics AddScope(ResolvedScope resolved, string? pattern, bool announce, Action<string, string>? warn = null)
    {
        string label = resolved.Cgroup?.Path ?? "system";
        long now = Clock.BootTimeMs();
        ScopeWakeup[] wakeups;
        ScopeStall? stall = null;
        MemorySample first;
        ResolvedThresholds levels;
        bool limited;
        try
        {
            if (!resolved.Memory.TryRead(now, out first))
            {
                throw new IOException($"cannot read the memory state of {label}");
            }

            levels = Settings.Thresholds.Resolve(in first, out _);
            limited = resolved.Cgroup is null || resolved.ComputeOomScope().Limited;
            warn ??= (code, message) => Warn(code, label, message);
            stall = CreateStall(resolved, warn);
            wakeups = [.. ScopeWakeups.Arm(resolved, first, levels, _procRoot, warn, stall)];
        }
        catch
        {
            stall?.Dispose();
            resolved.Dispose();
            throw;
        }

        int slot;
        if (_freeSlots.Count > 0)
        {
            slot = _freeSlots.Pop();
        }
        else
        {
            slot = _slots.Count;
            _slots.Add(null);
            _slotGenerations.Add(0);
        }

        int generation = ++_slotGenerations[slot];
        var statistics = new ScopeStatistics(label, resolved.Kind, pattern, limited)
        {
            LastSample = first,
            LastThresholds = levels,
        };
        var monitor = new ScopeMonitor(resolved, _selector, Table, ownsScope: true);
        var step = new ScopeStep(_stepSettings);
        step.UseStall(stall?.Tracker);
        statistics.Stall = stall?.Settings ?? StallSettings.Off;
        statistics.PsiSource = stall?.Source?.Path;
        var scope = new WatchedScope(this, slot, generation, monitor, step, statistics, wakeups, first.TotalKiB) { Stall = stall };
        RegisterWakeups(scope);

        _slots[slot] = scope;
        _scopes.Add(scope);
        _byLabel[label] = scope;
        _deadlines.Set(ScopeKey(slot), now);
        Statistics.ScopesAdded++;
        PublishScopes();
        if (announce)
        {
            Events.Emit(ScopeAddedEvent(scope, first, levels));
        }

        if (_running)
        {
            // A kind of scope not seen at start-up (the first cgroup a glob matched): compile its kill path
            // now, not at its first shortage.
            RehearseScope(scope);
            if (!_trackerRehearsed)
            {
                RehearseTracker(scope);
            }
        }

        if (!limited)
        {
            warn("scope_unlimited",
                $"{label} has no memory limit, nor has any cgroup above it: its levels are taken of the machine's memory ({Units.FormatKiB(first.TotalKiB)}), and only the system's OOM killer could act on it");
        }

        return statistics;
    }

    /// <summary>
    /// Ends a scope (its cgroup was removed, or its files vanished): a victim being followed is let go (its
    /// pidfds closed — nothing is signalled), its descriptors leave the epoll set, its processes leave the
    /// table unless another scope holds them, and a `scope_removed` event says why.
    /// </summary>
    internal void EndScope(WatchedScope scope, string why)
    {
        if (scope.Ended)
        {
            return;
        }

        scope.Ended = true;
        scope.Tracker.Finish();
        UnregisterWakeups(scope);
        _deadlines.Remove(ScopeKey(scope.Slot));
        _slots[scope.Slot] = null;
        _freeSlots.Push(scope.Slot);
        _scopes.Remove(scope);
        _byLabel.Remove(scope.Label);
        Statistics.ScopesRemoved++;
        PublishScopes();
        scope.Dispose();
        Events.Emit(new DaemonEvent
        {
            Event = "scope_removed",
            Scope = scope.Label,
            Message = $"stopped watching {scope.Label}: {why}",
        });
    }

    /// <summary>Ends the scope whose label is <paramref name="label"/>; false when none is watched. Monitor thread only.</summary>
    internal bool EndScope(string label, string why)
    {
        if (!_byLabel.TryGetValue(label, out WatchedScope? scope))
        {
            return false;
        }

        EndScope(scope, why);
        return true;
    }

    /// <summary>True when a scope with this label is watched. Monitor thread only (or before <see cref="Run"/>).</summary>
    internal bool IsWatched(string label) => _byLabel.ContainsKey(label);

    /// <summary>The deadline heap's key of a scope's slot (key 0 is the registry's).</summary>
    private static int ScopeKey(int slot) => slot + 1;

    private void RegisterWakeups(WatchedScope scope)
    {
        ScopeWakeup[] wakeups = scope.Wakeups;
        var descriptions = new List<string>(wakeups.Length);
        for (int i = 0; i < wakeups.Length; i++)
        {
            int errno = Epoll.Add(wakeups[i].Fd, wakeups[i].Events, EngineToken.Make(EngineToken.Wakeup, scope.Slot, scope.Generation, i));
            if (errno != 0)
            {
                Warn("wakeup", scope.Label, $"cannot watch {wakeups[i].Description} ({Pardon.Linux.Io.Errors.Describe(errno)}); relying on adaptive polling");
                continue;
            }

            descriptions.Add(wakeups[i].Description);
        }

        scope.Statistics.Wakeups = descriptions;
    }

    private void UnregisterWakeups(WatchedScope scope)
    {
        foreach (ScopeWakeup w in scope.Wakeups)
        {
            Epoll.Remove(w.Fd);
        }
    }

    /// <summary>
    /// The scope's size changed (a limit written after the cgroup was made, or changed later): its v1 usage
    /// threshold was relative to the old limit, so its wake-ups are armed again for the new one.
    /// </summary>
    private void Rearm(WatchedScope scope, in MemorySample sample, ResolvedThresholds levels)
    {
        UnregisterWakeups(scope);
        foreach (ScopeWakeup w in scope.Wakeups)
        {
            // The stall criterion's PSI trigger belongs to the scope's stall (it does not depend on the limit).
            if (!ReferenceEquals(w.Owner, scope.Stall?.Trigger))
            {
                w.Owner.Dispose();
            }
        }

        scope.Wakeups = [];
        scope.ArmedTotalKiB = sample.TotalKiB;
        string label = scope.Label;
        scope.Wakeups = [.. ScopeWakeups.Arm(scope.Resolved, sample, levels, _procRoot, (code, message) => Warn(code, label, message), scope.Stall)];
        RegisterWakeups(scope);
    }

    /// <summary>" (in PATH)" for a cgroup scope's messages; "" for the system's.</summary>
    internal string InScope(WatchedScope scope) => scope.Resolved.Cgroup is null ? "" : $" (in {scope.Label})";

    /// <summary>Handles the i-th ready descriptor; false when the loop must stop.</summary>
    private bool HandleReady(int index, long now)
    {
        ulong token = Epoll.GetEvent(index, out uint events);
        switch (EngineToken.Kind(token))
        {
            case EngineToken.Stop:
                return false;
            case EngineToken.Wakeup:
                if (Lookup(token) is { } woken && EngineToken.Index(token) < woken.Wakeups.Length)
                {
                    ScopeWakeup w = woken.Wakeups[EngineToken.Index(token)];
                    if ((events & (EpollSet.Err | EpollSet.Hup)) != 0)
                    {
                        // A PSI trigger whose cgroup went away reports POLLERR for good: level-triggered, it
                        // would end every sleep at once. Stop watching it; the scope's reading tells the rest.
                        Epoll.Remove(w.Fd);
                    }
                    else
                    {
                        w.Drain();
                    }

                    _deadlines.Set(ScopeKey(woken.Slot), now);
                }

                break;
            case EngineToken.Victim:
                if (Lookup(token) is { } scope)
                {
                    scope.Tracker.MarkExited(Stopwatch.GetTimestamp());
                    _deadlines.Set(ScopeKey(scope.Slot), now);
                }

                break;
            default:
                OnOtherReady(token, events, now);
                break;
        }

        return true;
    }

    /// <summary>Descriptors of the registry (its inotify watches); anything else is ignored.</summary>
    private void OnOtherReady(ulong token, uint events, long now)
    {
        _ = events;
        if (EngineToken.Kind(token) == EngineToken.Watch && _registry is { } registry && registry.OnReadable())
        {
            // Let a burst of mkdirs settle (and a new cgroup's limit be written) before looking.
            long at = now + ScopeRegistry.SettleMs;
            if (_deadlines.DueOf(RegistryKey) > at)
            {
                _deadlines.Set(RegistryKey, at);
            }
        }
    }

    private WatchedScope? Lookup(ulong token)
    {
        int slot = EngineToken.Slot(token);
        if ((uint)slot >= (uint)_slots.Count || _slots[slot] is not { } scope)
        {
            return null;
        }

        return (ushort)scope.Generation == EngineToken.Generation(token) ? scope : null;
    }

    /// <summary>Steps every scope whose deadline has come; true when one of them is in a shortage or following a victim.</summary>
    private bool RunDueScopes(long now)
    {
        // Collect first: a step may set its own next deadline to now (a vanished victim), which must wait
        // for the next iteration rather than loop here.
        int count = 0;
        while (_deadlines.TryPopDue(now, out int key))
        {
            if (count == _due.Length)
            {
                Array.Resize(ref _due, _due.Length * 2);
            }

            _due[count++] = key;
        }

        bool busy = false;
        for (int i = 0; i < count; i++)
        {
            int key = _due[i];
            if (key == RegistryKey)
            {
                Reconcile(announce: true);
                busy = true;
                continue;
            }

            if (_slots[key - 1] is { Ended: false } scope)
            {
                Tick(scope, now);
                busy |= scope.Step.InEpisode || scope.Tracker.Active;
            }
        }

        return busy;
    }

    private void Tick(WatchedScope scope, long now)
    {
        try
        {
            TickCore(scope, now);
            scope.FailureReported = false;
        }
        catch (Exception ex) when (!scope.Ended)
        {
            // A scope's files may vanish at any moment (its cgroup removed between two reads): that ends the
            // scope, never the daemon. Anything else is reported once and retried.
            ScopeFailed(scope, ex, now);
        }
    }

    private void TickCore(WatchedScope scope, long now)
    {
        scope.Tracker.Tick(now);
        if (!scope.Resolved.Memory.TryRead(now, out MemorySample sample))
        {
            ScopeUnreadable(scope, now);
            return;
        }

        scope.UnreadableReported = false;
        var input = new ScopeInput(in sample, now, scope.Tracker.Progress, scope.CoveredByWakeup());
        StallPhase stallBefore = scope.Step.Stall?.Phase ?? StallPhase.Off;
        if (scope.Stall is { } stall && stall.Read(out long stallTotalUs))
        {
            input = input with { StallTotalUs = stallTotalUs };
        }

        ScopeDecision d = scope.Step.Step(in input);
        if (scope.Stall is not null)
        {
            StallTicked(scope, stallBefore, now);
        }

        if (scope.Step.LevelMisfit != scope.ReportedMisfit)
        {
            ReportLevelFit(scope, in sample);
        }

        if (sample.TotalKiB != scope.ArmedTotalKiB)
        {
            Rearm(scope, in sample, d.Levels);
        }

        ScopeStatistics st = scope.Statistics;
        st.LastSample = sample;
        st.LastThresholds = d.Levels;
        st.LastPollIntervalMs = d.SleepMs;
        st.InEpisode = scope.Step.InEpisode;
        if (_scopes.Count > 0 && ReferenceEquals(_scopes[0], scope))
        {
            Statistics.LastSample = sample;
            Statistics.LastThresholds = d.Levels;
            Statistics.LastPollIntervalMs = d.SleepMs;
            Statistics.Fill.Record(now, sample.AvailableKiB); // the forecast in status (the first scope's)
        }

        if (d.EpisodeStarted)
        {
            // The pressure event is stamped now but emitted by Act() once the victim is signalled: nothing
            // but the decision itself stands between the crossing and the signal.
            scope.EpisodeStartTicks = Stopwatch.GetTimestamp();
            st.PressureEpisodes++;
            Statistics.PressureEpisodes++;
            scope.PendingPressure = scope.Step.StallRaised && scope.Stall is { } s
                ? StallPressureEvent(scope, s, now, cooldown: false)
                : PressureEvent(scope, d.Level, in sample, d.ThresholdKiB);
        }

        long wake = d.WakeAtMs;
        switch (d.Action)
        {
            case ScopeAction.ActTerm:
            case ScopeAction.ActKill:
                ActOutcome outcome = Act(scope, d.Level, in sample, d.Levels, d.ThresholdKiB, stall: scope.Step.StallRaised);
                long acted = Clock.BootTimeMs();
                wake = scope.Step.Acted(outcome, acted);
                scope.Step.StallActed(outcome, acted);
                break;
            case ScopeAction.Escalate:
                scope.Tracker.Escalate(d.Level == PressureLevel.Kill, in sample, d.Levels, now);
                break;
            case ScopeAction.Abandon:
                scope.Tracker.Abandon();
                break;
        }

        if (d.ScanDue)
        {
            scope.ScanRequested = true;
        }

        if (!scope.Ended)
        {
            _deadlines.Set(ScopeKey(scope.Slot), Math.Min(scope.Step.WithStallReading(wake), scope.Tracker.NextDeadlineMs));
        }
    }

    private void ScopeUnreadable(WatchedScope scope, long now)
    {
        if (CgroupGone(scope))
        {
            EndScope(scope, "its cgroup was removed");
            return;
        }

        if (!scope.UnreadableReported)
        {
            scope.UnreadableReported = true;
            Warn("scope_unreadable", scope.Label, $"cannot read the memory of {scope.Label}; retrying every {Sizes.FormatDuration(Settings.PollMax)}");
        }

        long wake = scope.Step.Unreadable(now);
        if (scope.Tracker.Active)
        {
            wake = Math.Min(wake, Math.Min(now + _stepSettings.VictimPollMs, scope.Tracker.NextDeadlineMs));
        }

        _deadlines.Set(ScopeKey(scope.Slot), wake);
    }

    private void ScopeFailed(WatchedScope scope, Exception ex, long now)
    {
        if (CgroupGone(scope))
        {
            EndScope(scope, "its cgroup was removed");
            return;
        }

        if (!scope.FailureReported)
        {
            scope.FailureReported = true;
            Warn("scope_error", scope.Label, $"watching {scope.Label} failed ({ex.GetType().Name}: {ex.Message}); retrying every {Sizes.FormatDuration(Settings.PollMax)}");
        }

        _deadlines.Set(ScopeKey(scope.Slot), scope.Step.Unreadable(now));
    }

    private static bool CgroupGone(WatchedScope scope) => scope.Resolved.Cgroup is { } cg && !File.Exists(cg.FilePath("cgroup.procs"));

    private bool ScanRequested()
    {
        foreach (WatchedScope scope in _scopes)
        {
            if (scope.ScanRequested)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// One scan round over the scopes that asked (or <paramref name="only"/>): each process is read once,
    /// however many of the scanned scopes contain it. Then the pardon service sees every process of the table.
    /// </summary>
    private void ScanRound(long now, WatchedScope? only = null)
    {
        try
        {
            Table.BeginScan(now, _policy.GrowthWindowMs);
            if (only is not null)
            {
                Table.ScanView(only.Monitor.View);
                only.Statistics.Scans++;
            }
            else
            {
                foreach (WatchedScope scope in _scopes)
                {
                    if (scope.ScanRequested)
                    {
                        scope.ScanRequested = false;
                        Table.ScanView(scope.Monitor.View);
                        scope.Statistics.Scans++;
                    }
                }
            }

            Table.EndScan();
            Statistics.Scans++;
            _scanFailureReported = false;
        }
        catch (Exception ex)
        {
            if (!_scanFailureReported)
            {
                _scanFailureReported = true;
                Warn("scan_failed", null, $"scanning processes failed ({ex.GetType().Name}: {ex.Message}); the next scan tries again");
            }

            return;
        }

        if (_onScan is not null)
        {
            try
            {
                _onScan(Table.AllProcesses, now);
            }
            catch (Exception ex)
            {
                Warn("scan_observer", null, $"the pardon service failed after a scan ({ex.GetType().Name}: {ex.Message})");
            }
        }
    }

    /// <summary>
    /// The scope's size changed so that the levels stopped (or started again) to fit it: say so once per
    /// change. Until they fit again the pair that does not fit acts at <see cref="Thresholds.Fallback"/>.
    /// </summary>
    private void ReportLevelFit(WatchedScope scope, in MemorySample sample)
    {
        LevelProblems misfit = scope.Step.LevelMisfit;
        scope.ReportedMisfit = misfit;
        string words = scope.Resolved.Cgroup is { } c ? $"cgroup {c.Path}'s" : "the system's";
        Events.Emit(new DaemonEvent
        {
            Event = "warning",
            Code = misfit == LevelProblems.None ? "levels_fit" : "levels_do_not_fit",
            Scope = scope.Label,
            Message = misfit == LevelProblems.None
                ? $"the configured levels fit {words} memory again ({Units.FormatKiB(sample.TotalKiB)}); acting at them"
                : Settings.Thresholds.DescribeFallback(misfit, in sample, words),
        });
    }

    private void PublishScopes()
    {
        var list = new ScopeStatistics[_scopes.Count];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = _scopes[i].Statistics;
        }

        Statistics.Publish(list);
    }

    private void Warn(string code, string? scope, string message) =>
        Events.Emit(new DaemonEvent { Event = "warning", Code = code, Scope = scope, Message = message });

    private DaemonEvent ScopeAddedEvent(WatchedScope scope, MemorySample first, ResolvedThresholds levels) => new()
    {
        Event = "scope_added",
        Scope = scope.Label,
        Pattern = scope.Statistics.Pattern,
        AvailableKiB = first.AvailableKiB,
        TotalKiB = first.TotalKiB,
        TermBelowKiB = levels.TermKiB,
        KillBelowKiB = levels.KillKiB,
        Message = string.Create(CultureInfo.InvariantCulture,
            $"watching {scope.Label}{(scope.Statistics.Pattern is { } p && p != scope.Label ? $" (matches {p})" : "")}: available {Units.FormatKiB(first.AvailableKiB)} of {Units.FormatKiB(first.TotalKiB)}; SIGTERM at {Units.FormatKiB(levels.TermKiB)}, SIGKILL at {Units.FormatKiB(levels.KillKiB)}"),
    };

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (WatchedScope scope in _scopes)
        {
            scope.Tracker.Finish();
            UnregisterWakeups(scope);
            scope.Dispose();
        }

        _scopes.Clear();
        _byLabel.Clear();
        _registry?.Dispose();
        Table.Dispose();
        SystemMemory.Dispose();
        Epoll.Dispose();
    }
}
