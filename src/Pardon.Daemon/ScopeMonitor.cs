// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Daemon;

/// <summary>
/// One scope's processes and memory, read on demand: the shared engine of `pardon rank`, `pardon explain`
/// and the daemon. The scope's processes are a <see cref="ProcessView"/> of a process table — its own for
/// the one-shot commands, the machine's shared table in the daemon, where every scope is a view of one
/// table. Scanning keeps the view (and the processes' growth history) current; ranking evaluates it
/// against the kernel's arithmetic and Pardon's policy.
/// </summary>
public sealed class ScopeMonitor : IDisposable
{
    private readonly VictimSelector _selector;
    private readonly bool _ownsScope;
    private readonly bool _ownsTable;

    /// <summary>A scope with a process table of its own (`pardon rank`, `explain`, `top`).</summary>
    public ScopeMonitor(ResolvedScope scope, SelectionPolicy policy, string procRoot = "/proc", bool ownsScope = true)
        : this(scope, new VictimSelector(policy), new ProcessTable(procRoot), ownsScope, ownsTable: true)
    {
    }

    /// <summary>A scope as a view of a shared process table (the daemon's scopes); the selector may be shared too (ranking is synchronous).</summary>
    public ScopeMonitor(ResolvedScope scope, VictimSelector selector, ProcessTable table, bool ownsScope)
        : this(scope, selector, table, ownsScope, ownsTable: false)
    {
    }

    private ScopeMonitor(ResolvedScope scope, VictimSelector selector, ProcessTable table, bool ownsScope, bool ownsTable)
    {
        Scope = scope;
        _ownsScope = ownsScope;
        _ownsTable = ownsTable;
        Table = table;
        View = table.CreateView(scope.Pids);
        _selector = selector;
    }

    public ResolvedScope Scope { get; }

    public ProcessTable Table { get; }

    /// <summary>This scope's processes in the table.</summary>
    public ProcessView View { get; }

    /// <summary>The processes of the last scan, in the kernel's iteration order for the scope.</summary>
    public ReadOnlySpan<ProcessFacts> Processes => View.Processes;

    public SelectionPolicy Policy => _selector.Policy;

    /// <summary>The last ranking made (reused between calls).</summary>
    public Ranking Ranking { get; } = new();

    /// <summary>Reads every process of the scope in a scan round of its own; allocation-free in steady state.</summary>
    public int Scan(long nowMs)
    {
        Table.BeginScan(nowMs, Policy.GrowthWindowMs);
        Table.ScanView(View);
        Table.EndScan();
        return View.Count;
    }

    /// <summary>Evaluates the last scan. Computes the scope's totalpages afresh (limits may have changed).</summary>
    public Ranking Rank(long nowMs, IPardonView? pardons)
    {
        OomScope scope = Scope.ComputeOomScope();
        _selector.Rank(scope, View.Processes, nowMs, pardons, Ranking, Clock.ClockTicksPerSecond);
        return Ranking;
    }

    /// <summary>Evaluates an arbitrary list of processes in this scope (the start-up warm-up).</summary>
    public Ranking Rank(long nowMs, IPardonView? pardons, ReadOnlySpan<ProcessFacts> processes)
    {
        OomScope scope = Scope.ComputeOomScope();
        _selector.Rank(scope, processes, nowMs, pardons, Ranking, Clock.ClockTicksPerSecond);
        return Ranking;
    }

    /// <summary>Scan and rank in one go, as the one-shot commands do.</summary>
    public Ranking ScanAndRank(IPardonView? pardons)
    {
        long now = Clock.BootTimeMs();
        Scan(now);
        return Rank(now, pardons);
    }

    public void Dispose()
    {
        if (_ownsTable)
        {
            Table.Dispose();
        }
        else
        {
            Table.RemoveView(View);
        }

        if (_ownsScope)
        {
            Scope.Dispose();
        }
    }
}
