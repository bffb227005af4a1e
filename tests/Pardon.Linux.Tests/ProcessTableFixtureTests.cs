// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary><see cref="ProcessTable"/> over a fake /proc written at test time.</summary>
public sealed class ProcessTableFixtureTests : IDisposable
{
    private const long Window = 30_000;
    private readonly TempTree _tree = new();

    public ProcessTableFixtureTests()
    {
        _tree.Write("proc/meminfo", KernelSamples.MemInfo);
        _tree.Write("proc/self/stat", "not a process directory\n");  // non-numeric entries are not pids
        _tree.Write("proc/sys/vm/swappiness", "60\n");
        _tree.Write("bin/init", "init\n");
        _tree.Write("bin/web", "web\n");
    }

    private string ProcRoot => _tree.PathOf("proc");

    private FakeProcess Init => new(1, "init") { Ppid = 0, StartTime = 12, Uid = 0, Argv = ["/sbin/init", "splash"], ExeTarget = _tree.PathOf("bin/init"), CgroupFile = "0::/init.scope\n" };

    private static FakeProcess Kthreadd => new(2, "kthreadd") { Ppid = 0, StartTime = 12, Uid = 0, Flags = 2129984, HasMm = false, CgroupFile = "0::/\n" };

    private FakeProcess Web => new(300, "web server")
    {
        StartTime = 5000,
        RssAnonKiB = 4000,
        RssFileKiB = 1000,
        RssShmemKiB = 200,
        SwapKiB = 40,
        PteKiB = 48,
        OomScoreAdj = 300,
        Argv = ["/usr/bin/web", "--port", "8080"],
        CgroupFile = "0::/user.slice/web.service\n",
        ExeTarget = _tree.PathOf("bin/web"),
    };

    private FakeProcess[] Cast =>
    [
        Web,
        new(250, "(a) b (") { StartTime = 5000, ExeTarget = _tree.PathOf("bin/web") },
        Kthreadd,
        new(400, "sleep") { State = 'Z', HasMm = false, StartTime = 6000 },
        new(401, "early") { StartTime = 100 },
        Init,
        new(500, "a\nb") { StartTime = 7000 },
        new(501, "v1") { StartTime = 8000, CgroupFile = "9:name=systemd:/\n4:memory:/process_api/x\n0::/\n" },
    ];

    public void Dispose() => _tree.Dispose();

    private void WriteAll(IEnumerable<FakeProcess> processes)
    {
        foreach (FakeProcess p in processes)
        {
            p.WriteTo(_tree);
        }
    }

    private ProcessTable NewTable() => new(ProcRoot) { PageSize = 4096 };

    [Fact]
    public void Scan_FixtureTree_OrdersByStartTimeThenPid()
    {
        WriteAll(Cast);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);

        int count = table.Scan(source, new PidList(), 100_000, Window);

        Assert.Equal(8, count);
        Assert.Equal(new[] { 1, 2, 401, 250, 300, 400, 500, 501 }, table.Processes.ToArray().Select(p => p.Pid));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), table.Processes.ToArray().Select(p => p.IterationOrder));
    }

    [Fact]
    public void Scan_UserProcess_FactsComeFromStatStatusAndLinks()
    {
        WriteAll(Cast);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);
        table.Scan(source, new PidList(), 100_000, Window);

        ProcessFacts web = table.Find(300)!;

        Assert.Equal("web server", web.Comm);
        Assert.Equal(1, web.Ppid);
        Assert.Equal(300, web.Pgid);
        Assert.Equal(1000u, web.Uid);
        Assert.Equal(5000ul, web.StartTime);
        Assert.Equal('S', web.State);
        Assert.Equal(_tree.PathOf("bin/web"), web.Exe);
        Assert.True(web.ExeIdentity.IsKnown);
        Assert.Equal("/usr/bin/web --port 8080", web.Cmdline);
        Assert.Equal("/user.slice/web.service", web.Cgroup);
        Assert.Equal(1000, web.RssAnonPages);     // 4000 kB / 4
        Assert.Equal(250, web.RssFilePages);
        Assert.Equal(50, web.RssShmemPages);
        Assert.Equal(1300, web.RssPages);
        Assert.Equal(10, web.SwapPages);          // VmSwap 40 kB
        Assert.Equal(49152, web.PgTablesBytes);   // VmPTE 48 kB
        Assert.Equal(300, web.OomScoreAdj);
        Assert.False(web.IsKernelThread);
        Assert.True(web.HasMm);
        Assert.False(web.InVfork);
        Assert.Equal(KernelIneligibility.None, KernelOom.GetIneligibility(web));

        // The same executable has the same identity; another file has another.
        Assert.Equal(web.ExeIdentity, table.Find(250)!.ExeIdentity);
        Assert.NotEqual(web.ExeIdentity, table.Find(1)!.ExeIdentity);
        Assert.Equal("/init.scope", table.Find(1)!.Cgroup);
        Assert.Equal("/sbin/init splash", table.Find(1)!.Cmdline);
        Assert.Equal("/process_api/x", table.Find(501)!.Cgroup);
    }

    [Fact]
    public void Scan_KernelThreadAndZombie_AreFlaggedIneligible()
    {
        WriteAll(Cast);
        var oldKernelThread = new FakeProcess(3, "rcu_gp") { Ppid = 2, StartTime = 12, Uid = 0, Flags = 0x04208060, HasMm = false, KthreadLine = false };
        oldKernelThread.WriteTo(_tree);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);
        table.Scan(source, new PidList(), 100_000, Window);

        ProcessFacts kthreadd = table.Find(2)!;
        Assert.True(kthreadd.IsKernelThread);
        Assert.False(kthreadd.HasMm);
        Assert.Null(kthreadd.Exe);
        Assert.False(kthreadd.ExeIdentity.IsKnown);
        Assert.Equal("kthreadd", kthreadd.Comm);
        Assert.Equal(KernelIneligibility.KernelThread, KernelOom.GetIneligibility(kthreadd));

        ProcessFacts rcu = table.Find(3)!;   // no "Kthread:" line (kernels before 6.x): PF_KTHREAD in stat decides
        Assert.True(rcu.IsKernelThread);

        ProcessFacts zombie = table.Find(400)!;
        Assert.False(zombie.IsKernelThread);
        Assert.False(zombie.HasMm);
        Assert.Equal('Z', zombie.State);
        Assert.Equal(0, zombie.RssPages);
        Assert.Equal(KernelIneligibility.NoMm, KernelOom.GetIneligibility(zombie));

        Assert.Equal(KernelIneligibility.Init, KernelOom.GetIneligibility(table.Find(1)!));
    }

    [Theory]
    [InlineData("(a) b (")]
    [InlineData(")")]
    [InlineData("a)(b")]
    [InlineData("a\nb")]
    [InlineData("back\\slash")]
    [InlineData("x) R 1 2 3")]
    [InlineData("  spaces  ")]
    [InlineData("")]
    [InlineData("café")]
    public void Scan_HostileComm_IsReadVerbatimAndStable(string comm)
    {
        new FakeProcess(777, comm) { StartTime = 4000, OomScoreAdj = 5 }.WriteTo(_tree);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);
        var pids = new PidList();

        table.Scan(source, pids, 100_000, Window);
        ProcessFacts p = table.Find(777)!;
        Assert.Equal(comm, p.Comm);
        Assert.Equal(4000ul, p.StartTime);
        Assert.Equal(1000u, p.Uid);
        Assert.Equal(5, p.OomScoreAdj);

        table.Scan(source, pids, 101_000, Window);
        Assert.Same(p, table.Find(777));
        Assert.Equal(comm, p.Comm);
    }

    [Fact]
    public void Scan_ProcessDisappearsAndAnotherAppears_TableFollows()
    {
        WriteAll(Cast);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);
        var pids = new PidList();
        table.Scan(source, pids, 100_000, Window);
        ProcessFacts web = table.Find(300)!;

        _tree.Delete("proc/401");
        _tree.Delete("proc/300");
        new FakeProcess(600, "newcomer") { StartTime = 9000 }.WriteTo(_tree);
        int count = table.Scan(source, pids, 101_000, Window);

        Assert.Equal(7, count);
        Assert.Null(table.Find(401));
        Assert.Null(table.Find(300));
        Assert.Equal("newcomer", table.Find(600)!.Comm);
        Assert.Equal(new[] { 1, 2, 250, 400, 500, 501, 600 }, table.Processes.ToArray().Select(p => p.Pid));
        Assert.False(table.RefreshNow(web)); // facts of a dropped process are no longer the table's
    }

    [Fact]
    public void Scan_DirectoryWithoutFiles_IsSkippedSilently()
    {
        WriteAll(Cast);
        _tree.CreateDirectory("proc/4242");                               // vanished between the listing and the reads
        _tree.Write("proc/4243/stat", "4243 (half) S 1 4243 4243 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 50 0 0\n"); // status already gone
        _tree.Write("proc/4244/stat", "garbage\n");
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);

        int count = table.Scan(source, new PidList(), 100_000, Window);

        Assert.Equal(8, count);
        Assert.Null(table.Find(4242));
        Assert.Null(table.Find(4243));
        Assert.Null(table.Find(4244));
    }

    [Fact]
    public void Scan_PidReused_NewProcessReplacesTheOld()
    {
        WriteAll(Cast);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);
        var pids = new PidList();
        table.Scan(source, pids, 100_000, Window);
        ProcessFacts old = table.Find(300)!;

        // The kernel makes reads through the old process's descriptors fail; here: its kept files go empty,
        // and a new process with the same pid gets new files.
        _tree.Write("proc/300/oom_score_adj", "");
        _tree.Delete("proc/300/oom_score_adj");
        _tree.Delete("proc/300/statm");
        new FakeProcess(300, "reborn") { StartTime = 9500, RssAnonKiB = 8000 }.WriteTo(_tree);
        table.Scan(source, pids, 101_000, Window);

        ProcessFacts reborn = table.Find(300)!;
        Assert.NotSame(old, reborn);
        Assert.Equal("reborn", reborn.Comm);
        Assert.Equal(9500ul, reborn.StartTime);
        Assert.Equal(2000, reborn.RssAnonPages);
        Assert.Equal(300, table.Processes[^1].Pid); // youngest now
    }

    [Fact]
    public void Scan_StatmMoved_StatusIsReadAgain()
    {
        WriteAll(Cast);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);
        var pids = new PidList();
        table.Scan(source, pids, 100_000, Window);

        (Web with { RssAnonKiB = 12_000, SwapKiB = 400, OomScoreAdj = -100 }).WriteTo(_tree);
        table.Scan(source, pids, 101_000, Window);

        ProcessFacts web = table.Find(300)!;
        Assert.Equal(3000, web.RssAnonPages);
        Assert.Equal(100, web.SwapPages);
        Assert.Equal(-100, web.OomScoreAdj);
    }

    [Fact]
    public void Scan_OnlyStatusMoved_StatusIsNotReadUntilRefreshNow()
    {
        WriteAll(Cast);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);
        var pids = new PidList();
        table.Scan(source, pids, 100_000, Window);

        // Swap moved but statm did not (the documented trade-off: status is re-read when statm moves).
        _tree.Write("proc/300/status", (Web with { SwapKiB = 4000 }).StatusText);
        table.Scan(source, pids, 101_000, Window);
        ProcessFacts web = table.Find(300)!;
        Assert.Equal(10, web.SwapPages);

        Assert.True(table.RefreshNow(web));
        Assert.Equal(1000, web.SwapPages);
    }

    [Fact]
    public void Scan_Exec_IdentityIsReadAgain()
    {
        WriteAll(Cast);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);
        var pids = new PidList();
        table.Scan(source, pids, 100_000, Window);

        // execve(): a new name, text size and command line; the exe link now points elsewhere.
        _tree.Delete("proc/300/exe");
        (Web with { Comm = "python3", TextPages = 900, Argv = ["python3", "-m", "http.server"], ExeTarget = _tree.PathOf("bin/init") }).WriteTo(_tree);
        table.Scan(source, pids, 101_000, Window);

        ProcessFacts p = table.Find(300)!;
        Assert.Equal("python3", p.Comm);
        Assert.Equal("python3 -m http.server", p.Cmdline);
        Assert.Equal(_tree.PathOf("bin/init"), p.Exe);
        Assert.Equal(table.Find(1)!.ExeIdentity, p.ExeIdentity);
        Assert.Equal(5000ul, p.StartTime); // exec keeps the process
    }

    [Theory]
    [InlineData("web server")]
    [InlineData("  spaces")]     // status prints it verbatim after the tab
    [InlineData("\ttab")]
    [InlineData("a\nb")]
    public void Scan_MemoryMovedWithoutExec_IdentityIsNotReadAgain(string comm)
    {
        var p = new FakeProcess(800, comm) { StartTime = 5000, Argv = ["worker", "--queue"], ExeTarget = _tree.PathOf("bin/web") };
        p.WriteTo(_tree);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);
        var pids = new PidList();
        table.Scan(source, pids, 100_000, Window);
        ProcessFacts facts = table.Find(800)!;
        string cmdline = facts.Cmdline;
        string? exe = facts.Exe;

        // Memory moves (statm and status change), the text size and name do not: no execve happened.
        (p with { RssAnonKiB = 40_000 }).WriteTo(_tree);
        table.Scan(source, pids, 101_000, Window);

        Assert.Equal(10_000, facts.RssAnonPages);
        Assert.Equal(comm, facts.Comm);
        Assert.Same(cmdline, facts.Cmdline);
        Assert.Same(exe, facts.Exe);
    }

    [Fact]
    public void Scan_GrowthBetweenScans_IsRecorded()
    {
        WriteAll(Cast);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);
        var pids = new PidList();
        table.Scan(source, pids, 100_000, Window);

        (Web with { RssAnonKiB = 12_000 }).WriteTo(_tree);
        table.Scan(source, pids, 120_000, Window);

        ProcessFacts web = table.Find(300)!;
        Assert.Equal(2000, web.Growth.GrowthPages(120_000, web.RssPages, Window, ageMs: 10_000_000)); // 12000 − 4000 kB
        Assert.Equal(20_000, web.Growth.BaselineAgeMs(120_000, Window));
    }

    [Fact]
    public void Scan_StatRssDiffersFromStatus_RssIsTheKernelsApproximateFigure()
    {
        // oom_badness() reads the mm's per-CPU counters without summing them, as stat's rss field does;
        // status prints the precise sums. The kernel's figure is the one its arithmetic uses.
        (Web with { StatRssPages = 1_234 }).WriteTo(_tree);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);

        table.Scan(source, new PidList(), 100_000, Window);

        ProcessFacts web = table.Find(300)!;
        Assert.Equal(1_234, web.RssPages);
        Assert.Equal(1_000, web.RssAnonPages);
        Assert.Equal(250, web.RssFilePages);
        Assert.Equal(50, web.RssShmemPages);
    }

    [Fact]
    public void Scan_IdenticalStatmInFixture_IsNotTakenForVfork()
    {
        // A vfork child shows its parent's statm; only kcmp(KCMP_VM) on the real /proc can confirm it.
        var parent = new FakeProcess(700, "parent") { StartTime = 5000 };
        var child = new FakeProcess(701, "child") { Ppid = 700, StartTime = 5001 };
        parent.WriteTo(_tree);
        child.WriteTo(_tree);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);

        table.Scan(source, new PidList(), 100_000, Window);

        Assert.Equal(700, table.Find(701)!.Ppid);
        Assert.False(table.Find(701)!.InVfork);
    }

    [Fact]
    public void Scan_UnchangedTree_AllocatesNothing()
    {
        WriteAll(Cast);
        using ProcessTable table = NewTable();
        using var source = new ProcPidSource(ProcRoot);
        var pids = new PidList();
        for (int i = 0; i < 3; i++)
        {
            table.Scan(source, pids, 100_000 + (i * 1000), Window);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int count = table.Scan(source, pids, 104_000, Window);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(8, count);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void OpenDescriptors_MatchesTheDescriptorsReallyHeld()
    {
        WriteAll(Cast);
        var source = new ProcPidSource(ProcRoot);
        ProcessTable table = NewTable();
        var pids = new PidList();
        try
        {
            table.Scan(source, pids, 100_000, Window);
            Assert.True(table.OpenDescriptors > 8);
            Assert.Equal(table.OpenDescriptors + 2, DescriptorsUnder(_tree.Root)); // + the table's and the source's /proc

            foreach (FakeProcess p in Cast)
            {
                _tree.Delete($"proc/{p.Pid}");
            }

            table.Scan(source, pids, 101_000, Window);
            Assert.Equal(0, table.OpenDescriptors);
            Assert.Equal(2, DescriptorsUnder(_tree.Root));
        }
        finally
        {
            table.Dispose();
            source.Dispose();
        }

        Assert.Equal(0, DescriptorsUnder(_tree.Root));
    }

    /// <summary>Counts this process's descriptors open on files of <paramref name="root"/> (parallel tests use other trees).</summary>
    private static int DescriptorsUnder(string root)
    {
        int n = 0;
        foreach (string fd in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is string target && target.StartsWith(root + "/", StringComparison.Ordinal))
                {
                    n++;
                }
            }
            catch (IOException)
            {
                // closed while we looked
            }
        }

        return n;
    }
}
