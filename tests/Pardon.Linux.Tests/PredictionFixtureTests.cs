// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Cgroups;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary>
/// The kernel's hard cases over fixture trees (issue 10): a zombie leader read through its live thread, the
/// rss counter switch, a container's pid namespace, SIGKILL pending, the OOMing ancestor by headroom, and the
/// OOM settings as read from /proc and memory.oom_control.
/// </summary>
public sealed class PredictionFixtureTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly TempTree _tree = new();

    public PredictionFixtureTests()
    {
        _tree.Write("proc/meminfo", KernelSamples.MemInfo);
        _tree.Write("proc/sys/vm/swappiness", "60\n");
        _tree.Write("bin/hog", "hog\n");
    }

    private string ProcRoot => _tree.PathOf("proc");

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void ZombieLeader_WithALiveThread_IsReadThroughIt_AndEligible()
    {
        // The leader: a zombie (no Vm lines, empty statm, no exe) that still counts 2 threads; thread 301 has the mm.
        new FakeProcess(300, "grower") { State = 'Z', HasMm = false, Threads = 2, StartTime = 4000 }.WriteTo(_tree);
        new FakeProcess(300, "grower") { State = 'Z', HasMm = false, Threads = 2 }.WriteTo(_tree, "proc/300/task");
        new FakeProcess(301, "grower") { RssAnonKiB = 400_000, RssFileKiB = 1000, RssShmemKiB = 0, PteKiB = 820, StatRssPages = 100_240, Threads = 2, ExeTarget = _tree.PathOf("bin/hog"), Argv = ["/bin/hog", "--grow"] }
            .WriteTo(_tree, "proc/300/task");
        new FakeProcess(400, "done") { State = 'Z', HasMm = false, Threads = 1 }.WriteTo(_tree);

        using var table = new ProcessTable(ProcRoot) { PageSize = 4096 };
        table.Scan(new ProcPidSource(ProcRoot), new PidList(), 10_000, 30_000);

        ProcessFacts leader = table.Find(300)!;
        Assert.True(leader.HasMm);
        Assert.Equal(301, leader.MmThreadId);
        Assert.Equal(100_240, leader.RssPages);          // the thread's stat rss: the approximate counter
        Assert.Equal(100_250, leader.PreciseRssPages);   // (400000 + 1000) / 4
        Assert.Equal(820 * 1024, leader.PgTablesBytes);
        Assert.Equal(_tree.PathOf("bin/hog"), leader.Exe);
        Assert.Equal("/bin/hog --grow", leader.Cmdline);
        Assert.Equal(KernelIneligibility.None, KernelOom.GetIneligibility(leader));
        Assert.Equal(KernelIneligibility.NoMm, KernelOom.GetIneligibility(table.Find(400)!));

        // Scanned again with the thread grown: the leader's statm stays empty, the figures still move.
        new FakeProcess(301, "grower") { RssAnonKiB = 500_000, RssFileKiB = 1000, RssShmemKiB = 0, PteKiB = 1020, StatRssPages = 125_200, Threads = 2 }
            .WriteTo(_tree, "proc/300/task");
        table.Scan(new ProcPidSource(ProcRoot), new PidList(), 11_000, 30_000);
        Assert.Equal(125_200, table.Find(300)!.RssPages);
    }

    [Fact]
    public void RssCounter_Switch_ReappliesToEveryProcess()
    {
        new FakeProcess(300, "a") { RssAnonKiB = 4000, RssFileKiB = 0, RssShmemKiB = 0, StatRssPages = 990 }.WriteTo(_tree);
        using var table = new ProcessTable(ProcRoot) { PageSize = 4096 };
        Assert.Equal(RssCounter.Approximate, table.RssCounter);   // fixtures start where the kernels before 7.0 are
        table.Scan(new ProcPidSource(ProcRoot), new PidList(), 10_000, 30_000);
        Assert.Equal(990, table.Find(300)!.RssPages);

        table.RssCounter = RssCounter.Precise;
        Assert.Equal(1000, table.Find(300)!.RssPages);
        table.RssCounter = RssCounter.Approximate;
        Assert.Equal(990, table.Find(300)!.RssPages);
    }

    [Fact]
    public void ChildPidNamespace_Pid1IsAnOrdinaryCandidate_AndSigkillPendingIsSeen()
    {
        _tree.Symlink("proc/self", "4242");
        _tree.Write("proc/4242/status", "Name:\tpardon\nNSpid:\t4242\n");
        Directory.CreateDirectory(_tree.PathOf("proc/4242/ns"));
        _tree.Symlink("proc/4242/ns/pid", "pid:[4026532449]");
        new FakeProcess(1, "tini") { Ppid = 0, RssAnonKiB = 2000 }.WriteTo(_tree);
        new FakeProcess(7, "app") { ShdPnd = "0000000000000100" }.WriteTo(_tree);

        Assert.Equal(PidNamespaceKind.Child, PidNamespaces.Detect(ProcRoot));
        using var table = new ProcessTable(ProcRoot) { PageSize = 4096 };
        table.Scan(new ProcPidSource(ProcRoot), new PidList(), 10_000, 30_000);
        Assert.False(table.Find(1)!.IsGlobalInit);
        Assert.Equal(KernelIneligibility.None, KernelOom.GetIneligibility(table.Find(1)!));
        Assert.True(table.Find(7)!.SigKillPending);
        Assert.False(table.Find(1)!.SigKillPending);
    }

    [Theory]
    [InlineData("pid:[4026531836]", "NSpid:\t77\n", PidNamespaceKind.Initial)]
    [InlineData("pid:[4026532449]", "NSpid:\t77\n", PidNamespaceKind.Child)]
    [InlineData("pid:[4026532449]", "NSpid:\t9077\t77\n", PidNamespaceKind.Unknown)]   // an ancestor's /proc we cannot name
    public void Detect_FromOurOwnNamespaceLink(string link, string nspid, PidNamespaceKind expected)
    {
        Directory.CreateDirectory(_tree.PathOf("proc/77/ns"));
        _tree.Symlink("proc/self", "77");
        _tree.Symlink("proc/77/ns/pid", link);
        _tree.Write("proc/77/status", "Name:\tpardon\n" + nspid);
        Assert.Equal(expected, PidNamespaces.Detect(ProcRoot));
    }

    [Fact]
    public void Detect_Pid1sLink_NamesTheProcsNamespace_AndNothingReadableIsUnknown()
    {
        Assert.Equal(PidNamespaceKind.Unknown, PidNamespaces.Detect(ProcRoot));
        Directory.CreateDirectory(_tree.PathOf("proc/1/ns"));
        _tree.Symlink("proc/1/ns/pid", "pid:[4026531836]");
        Assert.Equal(PidNamespaceKind.Initial, PidNamespaces.Detect(ProcRoot));
        Assert.True(PidNamespaces.TryParseNamespaceLink("pid:[4026531836]"u8, out ulong inode));
        Assert.Equal(PidNamespaces.InitialPidNamespaceInode, inode);
        Assert.False(PidNamespaces.TryParseNamespaceLink("pid:4026531836"u8, out _));
    }

    [Fact]
    public void OomingCgroup_IsTheAncestorWithLeastHeadroom_NotTheTightestLimit()
    {
        // parent 384 MiB with a 200 MiB sibling; child 256 MiB holding 40 MiB: the parent has 144 MiB left, the child 216.
        WriteV1Nest(parentUseHierarchy: true);
        OomScope scope = CgroupOomScope.Compute(CgroupDirectory.Open(_tree.PathOf("cg1/p/child")), 1_000_000, 0, 4096, ProcRoot);
        Assert.Equal(_tree.PathOf("cg1/p"), scope.OomingCgroup);
        Assert.Equal(384 * MiB, scope.LimitBytes);
        Assert.Equal(384 * MiB / 4096, scope.TotalPages);
        Assert.Equal(1, scope.OomingLevel);
        Assert.Equal("/p/child", scope.ScopeCgroup);
        Assert.Equal(144 * MiB, scope.Levels[1].HeadroomBytes);
        Assert.NotNull(CgroupOomScope.AncestorWarning(CgroupDirectory.Open(_tree.PathOf("cg1/p/child")), 4096));

        KernelOomSettings settings = KernelOomSettingsReader.Read(scope, ProcRoot);
        Assert.Equal(2, settings.PanicOnOom);
        Assert.False(settings.OomKillAllocatingTask);
        Assert.True(settings.OomKillDisable);
        Assert.False(settings.UnderOom);
        Assert.Equal(3, settings.OomKills);
    }

    [Fact]
    public void OomingCgroup_ParentWithoutUseHierarchy_IsNotCharged()
    {
        // memory.use_hierarchy 0 (before Linux 5.11): the child's counter has no parent, so only its own limit bites.
        WriteV1Nest(parentUseHierarchy: false);
        OomScope scope = CgroupOomScope.Compute(CgroupDirectory.Open(_tree.PathOf("cg1/p/child")), 1_000_000, 0, 4096, ProcRoot);
        Assert.Equal(_tree.PathOf("cg1/p/child"), scope.OomingCgroup);
        Assert.Single(scope.Levels);
        Assert.Null(CgroupOomScope.AncestorWarning(CgroupDirectory.Open(_tree.PathOf("cg1/p/child")), 4096));
    }

    private void WriteV1Nest(bool parentUseHierarchy)
    {
        long unlimited = CgroupTrees.Unlimited;
        CgroupTrees.V1Group(_tree, "cg1", unlimited, unlimited, 2048 * MiB, 2048 * MiB, 60, CgroupTrees.V1MemoryStat(unlimited, unlimited, 0));
        CgroupTrees.V1Group(_tree, "cg1/p", 384 * MiB, unlimited, 240 * MiB, 240 * MiB, 60, CgroupTrees.V1MemoryStat(384 * MiB, unlimited, 0));
        CgroupTrees.V1Group(_tree, "cg1/p/child", 256 * MiB, unlimited, 40 * MiB, 40 * MiB, 60, CgroupTrees.V1MemoryStat(256 * MiB, unlimited, 0));
        CgroupTrees.V1Group(_tree, "cg1/p/sibling", unlimited, unlimited, 200 * MiB, 200 * MiB, 60, CgroupTrees.V1MemoryStat(384 * MiB, unlimited, 0));
        _tree.Write("cg1/p/memory.use_hierarchy", parentUseHierarchy ? "1\n" : "0\n");
        _tree.Write("cg1/p/memory.oom_control", "oom_kill_disable 1\nunder_oom 0\noom_kill 3\n");
        _tree.Write("proc/sys/vm/panic_on_oom", "2\n");
        _tree.Write("proc/sys/vm/oom_kill_allocating_task", "0\n");
    }
}
