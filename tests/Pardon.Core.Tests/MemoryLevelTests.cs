// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

public sealed class MemoryLevelTests
{
    [Theory]
    [InlineData("10%", 10.0, 24_684_096, 2_468_409)]        // 10 % of this machine's MemTotal, truncated
    [InlineData("0%", 0.0, 24_684_096, 0)]
    [InlineData("100%", 100.0, 24_684_096, 24_684_096)]
    [InlineData("12.5%", 12.5, 1000, 125)]
    [InlineData(" 5% ", 5.0, 1000, 50)]
    public void TryParse_Percentage_IsAFractionOfTheTotal(string text, double percent, long totalKiB, long expectedKiB)
    {
        Assert.True(MemoryLevel.TryParse(text, out MemoryLevel level, out string error), error);
        Assert.Equal(percent, level.Percent);
        Assert.Null(level.KiB);
        Assert.Equal(expectedKiB, level.ToKiB(totalKiB));
    }

    [Theory]
    [InlineData("512MiB", 524_288)]
    [InlineData("2GiB", 2_097_152)]
    [InlineData("1.5G", 1_572_864)]
    [InlineData("64k", 64)]
    [InlineData("2048B", 2)]
    [InlineData("1000B", 0)]          // below a KiB
    public void TryParse_Size_IsAbsoluteKiB(string text, long expectedKiB)
    {
        Assert.True(MemoryLevel.TryParse(text, out MemoryLevel level, out string error), error);
        Assert.Null(level.Percent);
        Assert.Equal(expectedKiB, level.KiB);
        Assert.Equal(expectedKiB, level.ToKiB(123_456_789)); // the total does not matter
        Assert.Equal(expectedKiB, level.ToKiB(0));
    }

    [Theory]
    [InlineData("101%", "\"101%\" is not a percentage between 0% and 100%")]
    [InlineData("-1%", "\"-1%\" is not a percentage between 0% and 100%")]
    [InlineData("abc%", "\"abc%\" is not a percentage")]
    [InlineData("%", "\"%\" is not a percentage")]
    [InlineData("10%%", "\"10%%\" is not a percentage")]
    [InlineData("512", "\"512\" is neither a percentage nor a size (examples: \"10%\", \"512MiB\", \"2GiB\")")]
    [InlineData("lots", "\"lots\" is neither a percentage nor a size")]
    [InlineData("", "\"\" is neither a percentage nor a size")]
    [InlineData("5 parsecs", "\"5 parsecs\" is neither a percentage nor a size")]
    public void TryParse_Invalid_SaysWhatIsExpected(string text, string expectedError)
    {
        Assert.False(MemoryLevel.TryParse(text, out MemoryLevel level, out string error));
        Assert.Equal(default, level);
        Assert.Contains(expectedError, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10%", "10%")]
    [InlineData("12.5%", "12.5%")]
    [InlineData("512MiB", "512MiB")]
    [InlineData("1.5GiB", "1536MiB")]
    [InlineData("2G", "2GiB")]
    [InlineData("64k", "64KiB")]
    public void ToString_Parsed_PrintsAParsableLevel(string text, string expected)
    {
        Assert.True(MemoryLevel.TryParse(text, out MemoryLevel level, out _));

        Assert.Equal(expected, level.ToString());
        Assert.True(MemoryLevel.TryParse(level.ToString(), out MemoryLevel again, out _));
        Assert.Equal(level, again);
    }
}
