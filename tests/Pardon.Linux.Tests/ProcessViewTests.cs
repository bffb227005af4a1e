// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary>
/// One process table for the machine, each scope a <see cref="ProcessView"/> of it: a process is read once
/// per scan round whatever the number of views that contain it, each view keeps its scope's order, and a
/// process leaves the table when no view holds it any more.
/// </summary>
public sealed class ProcessViewTests : IDisposable
{
    private const long Window = 30_000;
    private readonly TempTree _tree = new();

    public ProcessViewTests()
    {
        _tree.Write("proc/meminfo", KernelSamples.MemInfo);
        Write(new FakeProcess(10, "a") { StartTime = 300 });
        Write(new FakeProcess(20, "b") { StartTime = 100 });
        Write(new FakeProcess(30, "c") { StartTime = 200 });
        Write(new FakeProcess(40, "d") { StartTime = 400 });
    }

    public void Dispose() => _tree.Dispose();

    private void Write(FakeProcess p) => p.WriteTo(_tree);

    private ProcessTable NewTable() => new(_tree.PathOf("proc")) { PageSize = 4096 };

    private static int[] Pids(ProcessView view) => view.Processes.ToArray().Select(p => p.Pid).ToArray();

    private static void Round(ProcessTable table, long now, params ProcessView[] views)
    {
        table.BeginScan(now, Window);
        foreach (ProcessView v in views)
        {
            table.ScanView(v);
        }

        table.EndScan();
    }

    [Fact]
    public void SharedProcess_IsReadOncePerRound_AndIsOneFactsObjectInEveryView()
    {
        using ProcessTable table = NewTable();
        ProcessView first = table.CreateView(new ListSource(false, 10, 20));
        ProcessView second = table.CreateView(new ListSource(false, 20, 30));
        Round(table, 1000, first, second);
        ProcessFacts shared = table.Find(20)!;
        Assert.Same(shared, first.Processes.ToArray().Single(p => p.Pid == 20));
        Assert.Same(shared, second.Processes.ToArray().Single(p => p.Pid == 20));
        Assert.Equal(1300, shared.RssPages);

        // Within one round the second view does not read the shared process again: it grew in between,
        // and only the next round sees it.
        table.BeginScan(2000, Window);
        table.ScanView(first);
        Write(new FakeProcess(20, "b") { StartTime = 100, RssAnonKiB = 40_000 });
        table.ScanView(second);
        table.EndScan();
        Assert.Equal(1300, shared.RssPages);

        Round(table, 3000, second);
        Assert.Equal(10_300, shared.RssPages);
        Assert.Same(shared, table.Find(20));
    }

    [Fact]
    public void EachView_KeepsItsScopesOrder()
    {
        using ProcessTable table = NewTable();
        ProcessView system = table.CreateView(new ListSource(false, 40, 10, 30, 20));           // creation order: by start time
        ProcessView memcg = table.CreateView(new ListSource(true, (40, 0), (10, 1), (30, 1)));   // the walk's own order

        Round(table, 1000, system, memcg);

        Assert.Equal([20, 30, 10, 40], Pids(system));
        Assert.Equal([40, 10, 30], Pids(memcg));
        Assert.Equal(4, table.AllProcesses.Length);
    }

    [Fact]
    public void Process_StaysWhileAViewHoldsIt_AndLeavesWithTheLast()
    {
        using ProcessTable table = NewTable();
        var firstSource = new ListSource(false, 10, 20);
        ProcessView first = table.CreateView(firstSource);
        ProcessView second = table.CreateView(new ListSource(false, 20));
        Round(table, 1000, first, second);
        int descriptors = table.OpenDescriptors;

        // 20 moves out of the first scope: the second still holds it.
        firstSource.Set(10);
        Round(table, 2000, first);
        Assert.NotNull(table.Find(20));
        Assert.Equal(0, table.LastScanChanges);
        Assert.Equal([10], Pids(first));

        // The second scope ends: 20 leaves the table with its descriptors; 10 stays.
        table.RemoveView(second);
        Assert.Null(table.Find(20));
        Assert.NotNull(table.Find(10));
        Assert.Equal(descriptors - 3, table.OpenDescriptors);
        Assert.Equal([10], table.AllProcesses.ToArray().Select(p => p.Pid));
        Assert.True(second.Removed);
        Assert.Equal(0, second.Count);
    }

    [Fact]
    public void ExitedProcess_LeavesEveryView_AtTheirNextScan()
    {
        using ProcessTable table = NewTable();
        ProcessView first = table.CreateView(new ListSource(false, 10, 20));
        ProcessView second = table.CreateView(new ListSource(false, 20));
        Round(table, 1000, first, second);

        // The kernel makes reads through an exited process's descriptors fail; here: its kept file goes empty.
        ProcessFacts old = table.Find(20)!;
        _tree.Write("proc/20/oom_score_adj", "");
        _tree.Delete("proc/20");
        Round(table, 2000, first);
        Assert.Null(table.Find(20));
        Assert.Equal([10], Pids(first));
        Assert.Equal(1, table.LastScanChanges);

        Assert.Same(old, second.Processes[0]);   // the second view is as its last scan left it

        Round(table, 3000, second);
        Assert.Empty(Pids(second));
        Assert.Equal([10], table.AllProcesses.ToArray().Select(p => p.Pid));
    }

    [Fact]
    public void SourceGone_EmptiesTheView_AndSaysSo()
    {
        using ProcessTable table = NewTable();
        var source = new ListSource(false, 10);
        ProcessView view = table.CreateView(source);
        Round(table, 1000, view);
        Assert.True(view.SourceAvailable);

        source.Gone = true;
        Round(table, 2000, view);

        Assert.False(view.SourceAvailable);
        Assert.Equal(0, view.Count);
        Assert.Null(table.Find(10));
    }

    /// <summary>A pid source listing fixed pids (with their walk group), or reporting its scope gone.</summary>
    private sealed class ListSource : IPidSource
    {
        private (int Pid, int Group)[] _pids;

        public ListSource(bool kernelOrder, params int[] pids)
            : this(kernelOrder, pids.Select(p => (p, 0)).ToArray())
        {
        }

        public ListSource(bool kernelOrder, params (int Pid, int Group)[] pids)
        {
            OrderIsKernelOrder = kernelOrder;
            _pids = pids;
        }

        public bool OrderIsKernelOrder { get; }

        public bool Gone { get; set; }

        public void Set(params int[] pids) => _pids = pids.Select(p => (p, 0)).ToArray();

        public bool Collect(PidList into)
        {
            into.Clear();
            if (Gone)
            {
                return false;
            }

            foreach ((int pid, int group) in _pids)
            {
                into.Add(pid, group);
            }

            return true;
        }
    }
}
