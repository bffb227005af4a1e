// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

public sealed class CgroupMemoryMathTests
{
    private const long MiB = 1024 * 1024;
    private const long GiB = 1024 * MiB;
    private const long SysTotal = 24_684_096;   // this machine's MemTotal, kB
    private const long SysAvail = 23_663_272;

    [Theory]
    // limit, usage, inactive_file → total, available (KiB)
    [InlineData(GiB, 600 * MiB, 100 * MiB, SysAvail, 1_048_576, 536_576)]              // 1048576 − 614400 + 102400
    [InlineData(long.MaxValue, GiB, 0, 20_000_000, SysTotal, 20_000_000)]              // no limit: the machine's total; its MemAvailable caps
    [InlineData(GiB, 1_153_433_600, 10 * MiB, SysAvail, 1_048_576, 0)]                 // usage beyond the limit: clamped at 0
    [InlineData(GiB, 100 * MiB, 200 * MiB, SysAvail, 1_048_576, 1_048_576)]            // more inactive than used: clamped at the limit
    [InlineData(GiB, 0, 0, 500_000, 1_048_576, 500_000)]                               // the system runs out first
    [InlineData(1_000_000, 0, 0, SysAvail, 976, 976)]                                  // bytes → KiB truncates
    [InlineData(64 * GiB, GiB, 0, SysAvail, SysTotal, 23_635_520)]                     // a limit above RAM is RAM: 24684096 − 1048576
    public void Compute_Memory_LimitMinusUsagePlusInactiveFile(long limit, long usage, long inactive, long systemAvailKiB, long expectedTotal, long expectedAvailable)
    {
        MemorySample s = CgroupMemoryMath.Compute(limit, usage, inactive, null, 0, SysTotal, systemAvailKiB, 0, 0, 4242);

        Assert.Equal(expectedTotal, s.TotalKiB);
        Assert.Equal(expectedAvailable, s.AvailableKiB);
        Assert.Equal(4242, s.TimestampMs);
    }

    [Theory]
    // swap limit, swap usage, system swap total/free → swap total, swap free (KiB)
    [InlineData(512 * MiB, 100 * MiB, 2_097_152, 1_572_864, 524_288, 421_888)]
    [InlineData(8 * GiB, 100 * MiB, 2_097_152, 1_572_864, 2_097_152, 1_572_864)]        // limit above the swap that exists; system free caps
    [InlineData(512 * MiB, 600 * MiB, 2_097_152, 1_572_864, 524_288, 0)]               // over the limit
    [InlineData(0L, 0, 2_097_152, 1_572_864, 0, 0)]                                     // swap forbidden
    [InlineData(512 * MiB, 0, 0, 0, 0, 0)]                                              // no swap on the machine
    [InlineData(null, 300 * MiB, 2_097_152, 1_572_864, 2_097_152, 1_572_864)]           // not limited: the system's figures
    public void Compute_Swap_LimitedBySwapLimitAndSystem(long? swapLimit, long swapUsage, long sysSwapTotal, long sysSwapFree, long expectedTotal, long expectedFree)
    {
        MemorySample s = CgroupMemoryMath.Compute(GiB, 0, 0, swapLimit, swapUsage, SysTotal, SysAvail, sysSwapTotal, sysSwapFree, 0);

        Assert.Equal(expectedTotal, s.SwapTotalKiB);
        Assert.Equal(expectedFree, s.SwapFreeKiB);
    }

    [Theory]
    [InlineData(9223372036854771712, 4096, true)]     // v1's "unlimited", read from memory.limit_in_bytes on this machine
    [InlineData(long.MaxValue, 4096, true)]           // v2's "max" as parsed
    [InlineData(9223372036854771712 - 4096, 4096, false)]
    [InlineData(1073741824, 4096, false)]
    [InlineData(0, 4096, false)]
    [InlineData(9223372036854710272, 65536, true)]    // PAGE_COUNTER_MAX with 64 KiB pages
    [InlineData(9223372036854771712, 65536, true)]
    [InlineData(9223372036854710272 - 65536, 65536, false)]
    public void IsUnlimited_Bytes_ComparesWithPageCounterMax(long bytes, long pageSize, bool expected)
    {
        Assert.Equal(expected, CgroupMemoryMath.IsUnlimited(bytes, pageSize));
    }
}
