// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Cgroups;

namespace Pardon.Linux.Tests;

/// <summary>cgroup v1 memory controller on fixture trees (the real hierarchy is read in the real-kernel tests).</summary>
public sealed class CgroupV1FixtureTests : IDisposable
{
    private readonly TempTree _tree = new();
    private readonly string _procRoot;

    public CgroupV1FixtureTests()
    {
        CgroupTrees.WriteV1(_tree);
        _procRoot = CgroupTrees.WriteProc(_tree);
    }

    public void Dispose() => _tree.Dispose();

    private CgroupDirectory Open(string relative) => CgroupDirectory.Open(_tree.PathOf(relative));

    [Theory]
    // cgroup → limit (hierarchical_memory_limit), available, swap limit (memsw − memory), swap free; KiB
    [InlineData("cg1/parent/child", 1_048_576, 1_048_576 - 614_400 + 102_400, 524_288, 524_288 - 102_400)]
    [InlineData("cg1/parent/noswap", 1_048_576, 1_048_576 - 614_400 + 102_400, 2_097_152, 1_048_576)]   // no memsw accounting: the machine's swap
    [InlineData("cg1/tight", 262_144, 262_144 - 10_240, 0, 0)]                                         // memsw = memory: no swap allowed
    [InlineData("cg1", 8_388_608, 6_291_456, 2_097_152, 1_048_576)]                                     // unlimited: the machine
    public void TryRead_Fixture_HierarchicalLimitMinusUsagePlusInactiveFile(string dir, long total, long available, long swapTotal, long swapFree)
    {
        using var system = new SystemMemoryReader(_procRoot);
        using var reader = new CgroupV1MemoryReader(Open(dir), system, 4096);

        Assert.True(reader.TryRead(5, out MemorySample s));
        Assert.Equal(total, s.TotalKiB);
        Assert.Equal(available, s.AvailableKiB);
        Assert.Equal(swapTotal, s.SwapTotalKiB);
        Assert.Equal(swapFree, s.SwapFreeKiB);
    }

    [Fact]
    public void TryRead_AfterWarmUp_AllocatesNothing()
    {
        using var system = new SystemMemoryReader(_procRoot);
        using var reader = new CgroupV1MemoryReader(Open("cg1/parent/child"), system, 4096);
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

    [Fact]
    public void TryRead_OwnRealCgroup_AgreesWithItsFiles()
    {
        // The machine's own v1 memory cgroup, read-only.
        string line = File.ReadAllLines("/proc/self/cgroup").Single(l => l.Split(':')[1].Split(',').Contains("memory"));
        CgroupDirectory cg = CgroupDirectory.Open("/sys/fs/cgroup/memory" + line.Split(':', 3)[2]);
        using var system = new SystemMemoryReader();
        using var reader = new CgroupV1MemoryReader(cg, system, Environment.SystemPageSize);

        Assert.True(reader.TryRead(1, out MemorySample s));
        Assert.True(system.TryRead(1, out MemorySample machine));

        long limit = long.Parse(File.ReadAllLines(cg.FilePath("memory.stat")).Single(l => l.StartsWith("hierarchical_memory_limit ", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Math.Min(limit / 1024, machine.TotalKiB), s.TotalKiB);
        Assert.InRange(s.AvailableKiB, 0, s.TotalKiB);
        OomScope scope = CgroupOomScope.Compute(cg, TotalPages.ForSystem(machine.TotalKiB, machine.SwapTotalKiB, 4096), machine.SwapTotalKiB / 4, 4096);
        Assert.Equal(!CgroupMemoryMath.IsUnlimited(limit, 4096), scope.Limited);
    }

    [Fact]
    public void TryRead_StatWithoutHierarchicalLimit_ReturnsFalse()
    {
        using var system = new SystemMemoryReader(_procRoot);
        using var reader = new CgroupV1MemoryReader(Open("cg1/parent/child"), system, 4096);
        _tree.Write("cg1/parent/child/memory.stat", "cache 0\nrss 0\n");

        Assert.False(reader.TryRead(5, out _));
    }

    [Theory]
    // cgroup, the OOMing cgroup's swappiness → OOMing cgroup, its limit, totalpages = limit + min(memsw − limit, total swap) when swappiness ≠ 0
    [InlineData("cg1/parent/child", 30, "cg1/parent", 1_073_741_824, 262_144 + 131_072)]
    [InlineData("cg1/parent/child", 0, "cg1/parent", 1_073_741_824, 262_144)]
    [InlineData("cg1/parent/noswap", 30, "cg1/parent", 1_073_741_824, 262_144 + 131_072)]   // parent's memsw decides, not the leaf's
    [InlineData("cg1/tight", 60, "cg1/tight", 268_435_456, 65_536)]
    public void Compute_LimitedScope_TightestAncestorAndMemcgTotalPages(string dir, int swappiness, string ooming, long limitBytes, long totalPages)
    {
        _tree.Write($"{ooming}/memory.swappiness", $"{swappiness}\n");

        OomScope scope = CgroupOomScope.Compute(Open(dir), CgroupTrees.SystemTotalPages, CgroupTrees.TotalSwapPages, 4096, _procRoot);

        Assert.True(scope.Limited);
        Assert.Equal(CgroupVersion.V1, scope.CgroupVersion);
        Assert.Equal(_tree.PathOf(ooming), scope.OomingCgroup);
        Assert.Equal(limitBytes, scope.LimitBytes);
        Assert.Equal(totalPages, scope.TotalPages);
    }

    [Fact]
    public void Compute_MemswUnlimited_AddsAllTheSwap()
    {
        _tree.Write("cg1/parent/memory.memsw.limit_in_bytes", $"{CgroupTrees.Unlimited}\n");

        OomScope scope = CgroupOomScope.Compute(Open("cg1/parent/child"), CgroupTrees.SystemTotalPages, CgroupTrees.TotalSwapPages, 4096, _procRoot);

        Assert.Equal(262_144 + CgroupTrees.TotalSwapPages, scope.TotalPages);
    }

    [Fact]
    public void Compute_WithoutMemswAccounting_AddsAllTheSwap()
    {
        _tree.Delete("cg1/parent/memory.memsw.limit_in_bytes");

        OomScope scope = CgroupOomScope.Compute(Open("cg1/parent/child"), CgroupTrees.SystemTotalPages, CgroupTrees.TotalSwapPages, 4096, _procRoot);

        Assert.Equal(262_144 + CgroupTrees.TotalSwapPages, scope.TotalPages);
    }

    [Fact]
    public void Compute_Unlimited_OnlyTheGlobalOomApplies()
    {
        OomScope scope = CgroupOomScope.Compute(Open("cg1"), CgroupTrees.SystemTotalPages, CgroupTrees.TotalSwapPages, 4096, _procRoot);

        Assert.False(scope.Limited);
        Assert.Equal(CgroupTrees.SystemTotalPages, scope.TotalPages);
    }
}
