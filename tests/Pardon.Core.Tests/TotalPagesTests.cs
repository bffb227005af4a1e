// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

/// <summary>oc->totalpages: constrained_alloc() for the system, mem_cgroup_get_max() for a memcg.</summary>
public sealed class TotalPagesTests
{
    private const long Pcm4K = long.MaxValue / 4096; // PAGE_COUNTER_MAX with 4 KiB pages

    [Theory]
    [InlineData(24684096, 0, 4096, 6171024)]             // this machine: MemTotal 24684096 kB, no swap
    [InlineData(16384, 8192, 4096, 6144)]                // (16384 + 8192) / 4
    [InlineData(2_000_000, 1_048_576, 4096, 762_144)]    // (2000000 + 1048576) / 4
    [InlineData(65536, 65536, 65536, 2048)]              // 64 KiB pages: (65536 + 65536) / 64
    [InlineData(0, 0, 4096, 0)]
    public void ForSystem_MemAndSwapTotals_AreTotalramPlusSwapPages(long memTotalKiB, long swapTotalKiB, long pageSize, long expected)
    {
        Assert.Equal(expected, TotalPages.ForSystem(memTotalKiB, swapTotalKiB, pageSize));
    }

    [Theory]
    [InlineData(4096, 9223372036854771712)]       // what cgroup v1's memory.limit_in_bytes shows when unlimited (read on this machine)
    [InlineData(65536, 9223372036854710272)]
    public void PageCounterMax_InBytes_IsTheV1UnlimitedFigure(long pageSize, long expectedBytes)
    {
        Assert.Equal(expectedBytes, TotalPages.PageCounterMax(pageSize) * pageSize);
    }

    [Theory]
    [InlineData(1000, Pcm4K, 60, 1000, 2000)]            // memsw unlimited: swap excess is huge, capped by total swap
    [InlineData(1000, Pcm4K, 60, 0, 1000)]               // no swap on the machine
    [InlineData(1000, 1500, 60, 10_000, 1500)]           // memsw 1500: 500 pages of swap allowed
    [InlineData(1000, 5000, 60, 2000, 3000)]             // memsw allows 4000 but only 2000 exist
    [InlineData(1000, 1000, 60, 2000, 1000)]             // memsw == limit: no swap at all
    [InlineData(1000, Pcm4K, 0, 2000, 1000)]             // swappiness 0: swap does not count
    [InlineData(1000, 1500, 0, 2000, 1000)]
    [InlineData(0, 0, 60, 0, 1)]                         // "mem_cgroup_get_max(oc->memcg) ?: 1"
    [InlineData(0, 0, 0, 2000, 1)]
    [InlineData(262144, 393216, 1, 1_000_000, 393216)]   // 1 GiB limit, 1.5 GiB memsw, swappiness 1
    public void ForCgroupV1_WithMemsw_AddsSwapExcessCappedBySwap(long limitPages, long memswPages, int swappiness, long totalSwapPages, long expected)
    {
        Assert.Equal(expected, TotalPages.ForCgroupV1(limitPages, memswPages, swappiness, totalSwapPages));
    }

    [Theory]
    [InlineData(1000, 60, 500, 1500)]                    // no memsw accounting: swap.max is unlimited, so all the swap
    [InlineData(1000, 0, 500, 1000)]
    [InlineData(0, 60, 0, 1)]
    public void ForCgroupV1_WithoutMemsw_AddsTotalSwap(long limitPages, int swappiness, long totalSwapPages, long expected)
    {
        Assert.Equal(expected, TotalPages.ForCgroupV1(limitPages, null, swappiness, totalSwapPages));
    }

    [Theory]
    [InlineData(1000, Pcm4K, 60, 700, 1700)]             // memory.swap.max "max"
    [InlineData(1000, 100, 60, 700, 1100)]               // memory.swap.max below the swap that exists
    [InlineData(1000, 0, 60, 700, 1000)]                 // memory.swap.max 0
    [InlineData(1000, Pcm4K, 0, 700, 1000)]              // vm.swappiness 0
    [InlineData(1000, Pcm4K, 60, 0, 1000)]
    [InlineData(0, 0, 60, 0, 1)]
    public void ForCgroupV2_MaxAndSwapMax_AreMemoryMaxPlusCappedSwap(long maxPages, long swapMaxPages, int swappiness, long totalSwapPages, long expected)
    {
        Assert.Equal(expected, TotalPages.ForCgroupV2(maxPages, swapMaxPages, swappiness, totalSwapPages));
    }
}
