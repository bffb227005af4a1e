// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Daemon;

/// <summary>
/// One scope's processes and memory, read on demand: the shared engine of `pardon rank`, `pardon explain`
/// and the daemon. Scanning keeps the process table (and its growth history) current; ranking evaluates
/// it against the kernel's arithmetic and Pardon's policy.
/// </summary>
public sealed class ScopeMonitor : IDisposable
{
    private readonly PidList _pids = new();
    private readonly VictimSelector _selector;
    private readonly bool _ownsScope;

    public ScopeMonitor(ResolvedScope scope, SelectionPolicy policy, string procRoot = "/proc", bool ownsScope = true)
    {
        Scope = scope;
        _ownsScope = ownsScope;
        Table = new ProcessTable(procRoot);
        _selector = new VictimSelector(policy);
    }

    public ResolvedScope Scope { get; }

    public ProcessTable Table { get; }

    public SelectionPolicy Policy => _selector.Policy;

    /// <summary>The last ranking made (reused between calls).</summary>
    public Ranking Ranking { get; } = new();

    /// <summary>Reads every process of the scope; allocation-free in steady state.</summary>
    public int Scan(long nowMs) => Table.Scan(Scope.Pids, _pids, nowMs, Policy.GrowthWindowMs);

    /// <summary>Evaluates the last scan. Computes the scope's totalpages afresh (limits may have changed).</summary>
    public Ranking Rank(long nowMs, IPardonView? pardons)
    {
        OomScope scope = Scope.ComputeOomScope();
        _selector.Rank(scope, Table.Processes, nowMs, pardons, Ranking, Clock.ClockTicksPerSecond);
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
        Table.Dispose();
        if (_ownsScope)
        {
            Scope.Dispose();
        }
    }
}
