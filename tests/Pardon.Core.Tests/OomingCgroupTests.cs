// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

/// <summary>Which memcg's OOM strikes first, and who is inside the scope when an ancestor's subtree is ranked.</summary>
public sealed class OomingCgroupTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void NestedLimits_TheParentWithLessHeadroomStrikesFirst_AndTheDaemonIsWarned()
    {
        // The case: parent 384 MiB holding a 200 MiB sibling, child 256 MiB holding 40 MiB.
        CgroupLevel[] levels =
        [
            new("/m/p/child", 256 * MiB, 40 * MiB),
            new("/m/p", 384 * MiB, 240 * MiB),
            new("/m", long.MaxValue, 900 * MiB),
        ];
        Assert.Equal(1, CgroupMemoryMath.SelectOomingLevel(levels));
        string? warning = CgroupMemoryMath.AncestorWarning(levels);
        Assert.NotNull(warning);
        Assert.StartsWith("cgroup /m/p/child: its ancestor /m/p has less headroom (144 MiB left of 384 MiB; the scope has 216 MiB left under its own limit)", warning, StringComparison.Ordinal);
        Assert.Contains("outside this scope", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void OwnLimitTightest_NoWarning_AndReclaimableCacheCountsAsHeadroom()
    {
        CgroupLevel[] levels =
        [
            new("/m/p/child", 256 * MiB, 200 * MiB, ReclaimableBytes: 0),
            new("/m/p", 384 * MiB, 330 * MiB, ReclaimableBytes: 100 * MiB),   // 154 MiB once its cache is reclaimed
        ];
        Assert.Equal(0, CgroupMemoryMath.SelectOomingLevel(levels));
        Assert.Null(CgroupMemoryMath.AncestorWarning(levels));
        Assert.Equal(-1, CgroupMemoryMath.SelectOomingLevel([new CgroupLevel("/m/x", long.MaxValue, 1)]));
    }

    [Fact]
    public void EqualHeadroom_TheNearerLevelFails_ExceptAMemswCounterWhichIsChargedFirst()
    {
        Assert.Equal(0, CgroupMemoryMath.SelectOomingLevel([new("/a/b", 100 * MiB, 50 * MiB), new("/a", 200 * MiB, 150 * MiB)]));
        Assert.Equal(1, CgroupMemoryMath.SelectOomingLevel(
            [new("/a/b", 100 * MiB, 50 * MiB), new("/a", 300 * MiB, 150 * MiB, MemswLimitBytes: 200 * MiB, MemswUsageBytes: 150 * MiB)]));
    }

    [Theory]
    [InlineData("/a/b", true)]
    [InlineData("/a/b/c", true)]
    [InlineData("/a/bc", false)]
    [InlineData("/a/sibling", false)]
    [InlineData(null, true)]      // unknown cgroup: never counted out
    public void Contains_WhenAnAncestorsSubtreeWasRead_TellsTheScopesOwnProcesses(string? cgroup, bool inside)
    {
        OomScope scope = TestProcess.CgroupScope(65536) with { ScopeCgroup = "/a/b", ScanRoot = "/sys/fs/cgroup/memory/a" };
        ProcessFacts p = TestProcess.Make(pid: 10, cgroup: cgroup);
        Assert.Equal(inside, scope.Contains(p));
        Assert.True((scope with { ScanRoot = null }).Contains(p), "the scope's own scan never counts a process out");
    }

    [Fact]
    public void OutsideProcess_IsTheKernelsVictim_ButNeverPardons()
    {
        OomScope scope = TestProcess.CgroupScope(98304) with { ScopeCgroup = "/a/b", ScanRoot = "/sys/fs/cgroup/memory/a", OomingCgroup = "/sys/fs/cgroup/memory/a" };
        ProcessFacts sibling = TestProcess.Make(pid: 10, rssPages: 50_000, cgroup: "/a/sibling");
        ProcessFacts mine = TestProcess.Make(pid: 11, rssPages: 10_000, cgroup: "/a/b");
        var ranking = new Ranking();
        new VictimSelector(SelectionPolicy.Default).Rank(scope, [sibling, mine], TestProcess.NowMs, null, ranking);
        Assert.Equal(10, ranking[ranking.KernelVictim].Process.Pid);
        Assert.Equal(11, ranking[ranking.Victim].Process.Pid);
        Assert.Equal(Exclusion.OutsideScope, ranking[0].Exclusion);
        Assert.Contains(Explanation.Reasons(in ranking[0], scope, true, false), r => r.StartsWith("outside the scope (cgroup /a/sibling)", StringComparison.Ordinal));
    }
}
