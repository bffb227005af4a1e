// This file is part of Pardon, a userspace OOM killer for Linux.

using BenchmarkDotNet.Attributes;
using Pardon.Core;
using Pardon.Linux;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Benchmarks;

/// <summary>
/// One full scan of the live machine — what the daemon does on every poll under pressure — and the ranking
/// that follows: ProcessTable.Scan over the real /proc (after warm-up, so descriptors are open and every
/// process is known), then VictimSelector.Rank. The "ns/process" column divides by the processes scanned.
/// </summary>
[MemoryDiagnoser]
public class ScanBenchmarks : IDisposable
{
    private readonly PidList _pids = new();
    private readonly PidList _steadyPids = new();
    private readonly PidList _userPids = new();
    private readonly VictimSelector _selector = new(SelectionPolicy.Default);
    private readonly Ranking _ranking = new();
    private ProcPidSource _source = null!;
    private FixedPidSource _steadySource = null!;
    private ProcessTable _table = null!;
    private ProcessTable _steadyTable = null!;
    private FixedPidSource _userSource = null!;
    private ProcessTable _userTable = null!;
    private OomScope _scope = null!;
    private long _growthWindowMs;

    /// <summary>Processes of the last scan of the live /proc (read by the report's columns; the benchmarks run in-process).</summary>
    public static int LiveProcesses { get; private set; }

    /// <summary>How many of the live processes at setup were kernel threads (one read per scan, where a user-space process costs two).</summary>
    public static int LiveKernelThreads { get; private set; }

    /// <summary>Processes of the last scan of the steady pid set.</summary>
    public static int SteadyProcesses { get; private set; }

    /// <summary>Processes of the last scan of the steady user-space processes.</summary>
    public static int UserProcesses { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        using (ResolvedScope scope = ResolvedScope.Create(null))
        {
            _scope = scope.ComputeOomScope();
        }

        _growthWindowMs = SelectionPolicy.Default.GrowthWindowMs;
        _source = new ProcPidSource();
        _table = new ProcessTable();
        for (int i = 0; i < 5; i++)
        {
            LiveProcesses = _table.Scan(_source, _pids, Clock.BootTimeMs(), _growthWindowMs);
        }

        LiveKernelThreads = 0;
        var user = new List<int>();
        foreach (ProcessFacts p in _table.Processes)
        {
            LiveKernelThreads += p.IsKernelThread ? 1 : 0;
            if (!p.IsKernelThread)
            {
                user.Add(p.Pid);
            }
        }

        _userSource = new FixedPidSource(user.ToArray());
        _userTable = new ProcessTable();
        for (int i = 0; i < 5; i++)
        {
            UserProcesses = _userTable.Scan(_userSource, _userPids, Clock.BootTimeMs(), _growthWindowMs);
        }

        _steadySource = new FixedPidSource(_pids.Pids.ToArray());
        _steadyTable = new ProcessTable();
        for (int i = 0; i < 5; i++)
        {
            SteadyProcesses = _steadyTable.Scan(_steadySource, _steadyPids, Clock.BootTimeMs(), _growthWindowMs);
        }

        _selector.Rank(_scope, _table.Processes, Clock.BootTimeMs(), null, _ranking, Clock.ClockTicksPerSecond);
    }

    /// <summary>The daemon's poll under pressure: scan every process of the machine, then rank them.</summary>
    [Benchmark(Baseline = true)]
    public int ScanAndRank()
    {
        long now = Clock.BootTimeMs();
        LiveProcesses = _table.Scan(_source, _pids, now, _growthWindowMs);
        _selector.Rank(_scope, _table.Processes, now, null, _ranking, Clock.ClockTicksPerSecond);
        return _ranking.KernelVictim;
    }

    /// <summary>The scan alone.</summary>
    [Benchmark]
    public int Scan()
    {
        LiveProcesses = _table.Scan(_source, _pids, Clock.BootTimeMs(), _growthWindowMs);
        return LiveProcesses;
    }

    /// <summary>
    /// Scan and rank of the processes alive at setup, listed without reading /proc's directory: the steady
    /// state (no process started or exited), where a scan must allocate nothing.
    /// </summary>
    [Benchmark]
    public int ScanAndRankSteady()
    {
        long now = Clock.BootTimeMs();
        SteadyProcesses = _steadyTable.Scan(_steadySource, _steadyPids, now, _growthWindowMs);
        _selector.Rank(_scope, _steadyTable.Processes, now, null, _ranking, Clock.ClockTicksPerSecond);
        return _ranking.KernelVictim;
    }

    /// <summary>
    /// The steady state again, user-space processes only: a kernel thread costs one read per scan, a user-space
    /// process two (statm and oom_score_adj), so this is the figure for a machine full of applications.
    /// </summary>
    [Benchmark]
    public int ScanAndRankUserSpace()
    {
        long now = Clock.BootTimeMs();
        UserProcesses = _userTable.Scan(_userSource, _userPids, now, _growthWindowMs);
        _selector.Rank(_scope, _userTable.Processes, now, null, _ranking, Clock.ClockTicksPerSecond);
        return _ranking.KernelVictim;
    }

    /// <summary>The ranking alone, over the last scan.</summary>
    [Benchmark]
    public int Rank()
    {
        _selector.Rank(_scope, _table.Processes, Clock.BootTimeMs(), null, _ranking, Clock.ClockTicksPerSecond);
        return _ranking.KernelVictim;
    }

    /// <summary>The processes a benchmark of this class scans per operation, for the per-process column.</summary>
    public static int ProcessesFor(string method) => method switch
    {
        nameof(ScanAndRankSteady) => SteadyProcesses,
        nameof(ScanAndRankUserSpace) => UserProcesses,
        _ => LiveProcesses,
    };

    [GlobalCleanup]
    public void Dispose()
    {
        _table?.Dispose();
        _steadyTable?.Dispose();
        _userTable?.Dispose();
        _source?.Dispose();
        GC.SuppressFinalize(this);
    }
}
