// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Cgroups;

namespace Pardon.Linux.Tests;

/// <summary>cgroup v2 on fixture trees only: this machine mounts the memory controller on v1.</summary>
public sealed class CgroupV2FixtureTests : IDisposable
{
    private const long MiB = CgroupTrees.MiB;
    private readonly TempTree _tree = new();
    private readonly string _procRoot;

    public CgroupV2FixtureTests()
    {
        CgroupTrees.WriteV2(_tree);
        _procRoot = CgroupTrees.WriteProc(_tree);
    }

    public void Dispose() => _tree.Dispose();

    private CgroupDirectory Open(string relative) => CgroupDirectory.Open(_tree.PathOf(relative));

    [Theory]
    // leaf → effective limit (tightest memory.max along the ancestry), available, swap limit (tightest memory.swap.max), swap free; KiB
    [InlineData("cg2/app.slice/web.service", 524_288, 268_288, 65_536, 64_512)]     // 512 MiB from app.slice; 524288 − 307200 + 51200; 64 MiB − 1 MiB
    [InlineData("cg2/app.slice/db.service", 262_144, 262_144 - 122_880 + 10_240, 0, 0)]  // its own 256 MiB; swap.max 0
    [InlineData("cg2/app.slice", 524_288, 524_288 - 430_080 + 61_440, 2_097_152, 1_048_576)] // swap "max": the machine's swap (2 GiB, 1 GiB free)
    [InlineData("cg2/free.slice/x.service", 8_388_608, 6_291_456, 2_097_152, 1_048_576)]    // no limit: the machine's RAM; its MemAvailable caps
    public void TryRead_Fixture_TightestLimitMinusUsagePlusInactiveFile(string leaf, long total, long available, long swapTotal, long swapFree)
    {
        using var system = new SystemMemoryReader(_procRoot);
        using var reader = new CgroupV2MemoryReader(Open(leaf), system);

        Assert.True(reader.TryRead(777, out MemorySample s));
        Assert.Equal(total, s.TotalKiB);
        Assert.Equal(available, s.AvailableKiB);
        Assert.Equal(swapTotal, s.SwapTotalKiB);
        Assert.Equal(swapFree, s.SwapFreeKiB);
        Assert.Equal(777, s.TimestampMs);
    }

    [Fact]
    public void TryRead_LimitChangedAtRunTime_IsSeenAtOnce()
    {
        using var system = new SystemMemoryReader(_procRoot);
        using var reader = new CgroupV2MemoryReader(Open("cg2/app.slice/web.service"), system);
        Assert.True(reader.TryRead(1, out MemorySample before));

        _tree.Write("cg2/app.slice/memory.max", "268435456\n");     // echo 256M > memory.max
        _tree.Write("cg2/app.slice/web.service/memory.current", $"{200 * MiB}\n");
        Assert.True(reader.TryRead(2, out MemorySample after));

        Assert.Equal(524_288, before.TotalKiB);
        Assert.Equal(262_144, after.TotalKiB);
        Assert.Equal(262_144 - 204_800 + 51_200, after.AvailableKiB);
    }

    [Fact]
    public void TryRead_SystemTighterThanCgroup_SystemMemAvailableCaps()
    {
        _tree.Write("proc/meminfo", CgroupTrees.MemInfo.Replace("MemAvailable:    6291456 kB", "MemAvailable:      10000 kB", StringComparison.Ordinal));
        using var system = new SystemMemoryReader(_procRoot);
        using var reader = new CgroupV2MemoryReader(Open("cg2/app.slice/web.service"), system);

        Assert.True(reader.TryRead(1, out MemorySample s));
        Assert.Equal(10_000, s.AvailableKiB);
    }

    [Fact]
    public void TryRead_NoSwapAccounting_UsesTheMachinesSwap()
    {
        // Without swap accounting there are no memory.swap.* files at all.
        foreach (string dir in new[] { "cg2/app.slice", "cg2/app.slice/web.service" })
        {
            _tree.Delete($"{dir}/memory.swap.max");
            _tree.Delete($"{dir}/memory.swap.current");
        }

        using var system = new SystemMemoryReader(_procRoot);
        using var reader = new CgroupV2MemoryReader(Open("cg2/app.slice/web.service"), system);

        Assert.True(reader.TryRead(1, out MemorySample s));
        Assert.Equal(2_097_152, s.SwapTotalKiB);
        Assert.Equal(1_048_576, s.SwapFreeKiB);
        Assert.Equal(268_288, s.AvailableKiB);
    }

    [Fact]
    public void TryRead_AfterWarmUp_AllocatesNothing()
    {
        using var system = new SystemMemoryReader(_procRoot);
        using var reader = new CgroupV2MemoryReader(Open("cg2/app.slice/web.service"), system);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(reader.TryRead(i, out _));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool ok = reader.TryRead(9, out _);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(ok);
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("memory.current")]
    [InlineData("memory.stat")]
    public void TryRead_UnreadableCounter_ReturnsFalse(string file)
    {
        using var system = new SystemMemoryReader(_procRoot);
        using var reader = new CgroupV2MemoryReader(Open("cg2/app.slice/web.service"), system);

        _tree.Write($"cg2/app.slice/web.service/{file}", ""); // a removed cgroup's files read nothing

        Assert.False(reader.TryRead(1, out MemorySample s));
        Assert.Equal(default, s);
    }

    [Fact]
    public void Constructor_NotAMemoryCgroupAnyMore_Throws()
    {
        CgroupDirectory cg = Open("cg2/app.slice/web.service");
        _tree.Delete("cg2/app.slice/web.service/memory.current");
        using var system = new SystemMemoryReader(_procRoot);

        Assert.Throws<Io.LinuxException>(() => new CgroupV2MemoryReader(cg, system));
    }

    [Theory]
    // leaf, vm.swappiness → the OOMing cgroup, its memory.max, oc->totalpages = memory.max pages + min(swap.max, total swap) pages
    [InlineData("cg2/app.slice/web.service", 60, "cg2/app.slice", 536_870_912, 131_072 + 524_288)]  // app.slice's swap.max is "max"
    [InlineData("cg2/app.slice/web.service", 0, "cg2/app.slice", 536_870_912, 131_072)]             // swappiness 0: swap does not count
    [InlineData("cg2/app.slice/db.service", 60, "cg2/app.slice/db.service", 268_435_456, 65_536)]   // its own limit is tighter; swap.max 0
    [InlineData("cg2/app.slice", 60, "cg2/app.slice", 536_870_912, 131_072 + 524_288)]
    public void Compute_LimitedScope_TightestAncestorAndMemcgTotalPages(string leaf, int swappiness, string ooming, long limitBytes, long totalPages)
    {
        CgroupTrees.WriteProc(_tree, swappiness);

        OomScope scope = CgroupOomScope.Compute(Open(leaf), CgroupTrees.SystemTotalPages, CgroupTrees.TotalSwapPages, 4096, _procRoot);

        Assert.Equal(ScopeKind.Cgroup, scope.Kind);
        Assert.Equal(CgroupVersion.V2, scope.CgroupVersion);
        Assert.Equal(_tree.PathOf(leaf), scope.Path);
        Assert.True(scope.Limited);
        Assert.Equal(_tree.PathOf(ooming), scope.OomingCgroup);
        Assert.Equal(limitBytes, scope.LimitBytes);
        Assert.Equal(totalPages, scope.TotalPages);
        Assert.Equal(CgroupTrees.SystemTotalPages, scope.SystemTotalPages);
        Assert.Equal(4096, scope.PageSize);
    }

    [Fact]
    public void Compute_SwapMaxOfTheOomingCgroup_NotOfTheLeaf()
    {
        // web.service allows 64 MiB of swap, but the OOM happens in app.slice, whose swap.max counts.
        _tree.Write("cg2/app.slice/memory.swap.max", $"{128 * MiB}\n");

        OomScope scope = CgroupOomScope.Compute(Open("cg2/app.slice/web.service"), CgroupTrees.SystemTotalPages, CgroupTrees.TotalSwapPages, 4096, _procRoot);

        Assert.Equal(131_072 + 32_768, scope.TotalPages);
    }

    [Fact]
    public void Compute_NoSwapMaxFile_CountsAllSwap()
    {
        _tree.Delete("cg2/app.slice/memory.swap.max");

        OomScope scope = CgroupOomScope.Compute(Open("cg2/app.slice/web.service"), CgroupTrees.SystemTotalPages, CgroupTrees.TotalSwapPages, 4096, _procRoot);

        Assert.Equal(131_072 + 524_288, scope.TotalPages);
    }

    [Fact]
    public void Compute_NoLimitAnywhere_OnlyTheGlobalOomApplies()
    {
        OomScope scope = CgroupOomScope.Compute(Open("cg2/free.slice/x.service"), CgroupTrees.SystemTotalPages, CgroupTrees.TotalSwapPages, 4096, _procRoot);

        Assert.False(scope.Limited);
        Assert.Null(scope.OomingCgroup);
        Assert.Equal(CgroupTrees.SystemTotalPages, scope.TotalPages);
        Assert.Equal(CgroupTrees.SystemTotalPages, scope.SystemTotalPages);
    }
}
