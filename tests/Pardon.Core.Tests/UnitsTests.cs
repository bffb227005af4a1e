// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

public sealed class UnitsTests
{
    [Theory]
    [InlineData(0, "0 KiB")]
    [InlineData(1023, "1023 KiB")]
    [InlineData(1024, "1 MiB")]
    [InlineData(1536, "1.5 MiB")]
    [InlineData(130_000, "127 MiB")]
    [InlineData(1_048_576, "1 GiB")]
    [InlineData(1_572_864, "1.5 GiB")]
    [InlineData(24_684_096, "23.54 GiB")]
    [InlineData(-2048, "-2 MiB")]
    public void FormatKiB_Sizes_PickAReadableUnit(long kib, string expected)
    {
        Assert.Equal(expected, Units.FormatKiB(kib));
    }

    [Theory]
    [InlineData(1, 4096, "4 KiB")]
    [InlineData(256, 4096, "1 MiB")]
    [InlineData(16, 65536, "1 MiB")]
    public void FormatPages_Pages_AreConvertedWithThePageSize(long pages, long pageSize, string expected)
    {
        Assert.Equal(expected, Units.FormatPages(pages, pageSize));
    }

    [Theory]
    [InlineData(0, "0 ms")]
    [InlineData(850, "850 ms")]
    [InlineData(1_000, "1 s")]
    [InlineData(12_345, "12.3 s")]
    [InlineData(120_000, "2 min")]
    [InlineData(5_400_000, "90 min")]
    [InlineData(7_200_000, "2 h")]
    [InlineData(9_000_000, "2.5 h")]
    public void FormatDuration_Milliseconds_PickAReadableUnit(long ms, string expected)
    {
        Assert.Equal(expected, Units.FormatDuration(ms));
    }
}
