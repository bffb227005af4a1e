// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

public sealed class SizesTests
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;
    private const long GiB = 1024 * MiB;
    private const long TiB = 1024 * GiB;

    [Theory]
    [InlineData("512MiB", 512 * MiB)]
    [InlineData("2GiB", 2 * GiB)]
    [InlineData("1.5G", 3 * GiB / 2)]
    [InlineData("64k", 64 * KiB)]
    [InlineData("64K", 64 * KiB)]
    [InlineData("64kb", 64 * KiB)]           // binary whatever the spelling
    [InlineData("4096B", 4096)]
    [InlineData("4096b", 4096)]
    [InlineData("0B", 0)]
    [InlineData("1T", TiB)]
    [InlineData("3TiB", 3 * TiB)]
    [InlineData("2 GiB", 2 * GiB)]           // a space before the unit
    [InlineData("  256MiB \t", 256 * MiB)]
    [InlineData("0.5KiB", 512)]
    [InlineData("1.K", KiB)]                  // "1." is a number
    public void TryParseBytes_Valid_ParsesBinaryUnits(string text, long expected)
    {
        Assert.True(Sizes.TryParseBytes(text, out long bytes, out string error), error);
        Assert.Equal(expected, bytes);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("512", "\"512\" has no unit", "write \"512MiB\" or \"512B\"")]
    [InlineData("12XB", "\"12XB\": unknown unit \"XB\"", "use B, KiB, MiB, GiB or TiB")]
    [InlineData("10 PiB", "unknown unit \"PiB\"", "use B, KiB")]
    [InlineData("MiB", "\"MiB\" is not a size", "examples: \"512MiB\"")]
    [InlineData("-5MiB", "\"-5MiB\" is not a size", "examples")]
    [InlineData("", "\"\" is not a size", "examples")]
    [InlineData("1.2.3MiB", "\"1.2.3MiB\" is not a size", "examples")]
    [InlineData(".", "\".\" is not a size", "examples")]
    [InlineData("99999999TiB", "\"99999999TiB\" is too large", "too large")]
    [InlineData("1e3MiB", "unknown unit \"e3MiB\"", "use B")]
    [InlineData("1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000B", "is too large", "too large")]
    public void TryParseBytes_Invalid_SaysWhatIsWrong(string text, string fragment1, string fragment2)
    {
        Assert.False(Sizes.TryParseBytes(text, out long bytes, out string error));
        Assert.Equal(0, bytes);
        Assert.Contains(fragment1, error, StringComparison.Ordinal);
        Assert.Contains(fragment2, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("5min", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData(" 10 s ", 10_000)]
    [InlineData("0s", 0)]
    public void TryParseDuration_Valid_Parses(string text, long expectedMs)
    {
        Assert.True(Sizes.TryParseDuration(text, out TimeSpan duration, out string error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), duration);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("30", "\"30\" is not a duration (use ms, s, m, h or d")]    // bare numbers are ambiguous
    [InlineData("30S", "\"30S\" is not a duration (use ms")]               // units are case-sensitive (M would be ambiguous)
    [InlineData("3w", "\"3w\" is not a duration (use ms")]
    [InlineData("s", "\"s\" is not a duration (examples: \"500ms\"")]
    [InlineData("-1s", "\"-1s\" is not a duration (examples")]
    [InlineData("", "\"\" is not a duration (examples")]
    [InlineData("99999999999d", "\"99999999999d\" is too long (at most 36500d)")]              // TimeSpan would throw: the daemon aborted
    [InlineData("36501d", "\"36501d\" is too long")]
    [InlineData("1" + "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000ms", "is too long")] // 1e309: infinity
    public void TryParseDuration_Invalid_SaysWhatIsWrong(string text, string fragment)
    {
        Assert.False(Sizes.TryParseDuration(text, out TimeSpan duration, out string error));
        Assert.Equal(TimeSpan.Zero, duration);
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0KiB")]
    [InlineData(1, "1B")]
    [InlineData(1023, "1023B")]
    [InlineData(1024, "1KiB")]
    [InlineData(1536, "1536B")]
    [InlineData(3 * MiB / 2, "1536KiB")]
    [InlineData(MiB, "1MiB")]
    [InlineData(1536 * MiB, "1536MiB")]
    [InlineData(GiB, "1GiB")]
    [InlineData(5 * TiB, "5TiB")]
    public void Format_Bytes_LargestWholeUnit(long bytes, string expected)
    {
        Assert.Equal(expected, Sizes.Format(bytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(1536)]
    [InlineData(MiB + 1)]
    [InlineData(256 * MiB)]
    [InlineData((3 * GiB) + MiB)]
    [InlineData(7 * TiB)]
    [InlineData((1L << 53) - 1)]                // the largest byte count a double holds exactly
    public void Format_ThenTryParseBytes_RoundTrips(long bytes)
    {
        string text = Sizes.Format(bytes);

        Assert.True(Sizes.TryParseBytes(text, out long parsed, out string error), error);
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(500, "500ms")]
    [InlineData(1_500, "1500ms")]
    [InlineData(30_000, "30s")]
    [InlineData(90_000, "90s")]
    [InlineData(300_000, "5m")]
    [InlineData(5_400_000, "90m")]
    [InlineData(7_200_000, "2h")]
    [InlineData(86_400_000, "1d")]
    [InlineData(90_000_000, "25h")]
    public void FormatDuration_Milliseconds_LargestWholeUnit(long ms, string expected)
    {
        Assert.Equal(expected, Sizes.FormatDuration(TimeSpan.FromMilliseconds(ms)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(999)]
    [InlineData(1_001)]
    [InlineData(60_000)]
    [InlineData(61_000)]
    [InlineData(3_600_000)]
    [InlineData(3 * 86_400_000L)]
    [InlineData(86_400_001)]
    public void FormatDuration_ThenTryParseDuration_RoundTrips(long ms)
    {
        var duration = TimeSpan.FromMilliseconds(ms);
        string text = Sizes.FormatDuration(duration);

        Assert.True(Sizes.TryParseDuration(text, out TimeSpan parsed, out string error), error);
        Assert.Equal(duration, parsed);
    }
}
