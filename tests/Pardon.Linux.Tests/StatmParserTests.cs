// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary>/proc/PID/statm ("size resident shared text lib data dt", pages) and /proc/PID/oom_score_adj.</summary>
public sealed class StatmParserTests
{
    [Theory]
    [InlineData(KernelSamples.StatmCat, 765, 428, 400, 5, 123)]
    [InlineData(KernelSamples.StatmZombie, 0, 0, 0, 0, 0)]
    [InlineData("765 428 400 5 0 123 0", 765, 428, 400, 5, 123)]          // no trailing newline
    [InlineData("765 428 400 5 0 123", 765, 428, 400, 5, 123)]            // "dt" is not needed
    [InlineData("4503599627370495 1 1 1 0 1 0\n", 4503599627370495, 1, 1, 1, 1)]
    public void TryParseStatm_Text_ReadsPages(string text, long size, long resident, long shared, long textPages, long data)
    {
        Assert.True(ProcFs.TryParseStatm(Text.Bytes(text), out ParsedStatm s));
        Assert.Equal(size, s.size);
        Assert.Equal(resident, s.resident);
        Assert.Equal(shared, s.shared);
        Assert.Equal(textPages, s.text);
        Assert.Equal(data, s.data);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("765 428 400 5 0")]              // data missing
    [InlineData("765 428 400 5 x 123 0")]
    [InlineData("765\t428 400 5 0 123 0")]
    [InlineData("a b c d e f g")]
    public void TryParseStatm_Malformed_ReturnsFalse(string text)
    {
        Assert.False(ProcFs.TryParseStatm(Text.Bytes(text), out _));
    }

    [Fact]
    public void Equals_SameFigures_IgnoresTheUnusedFields()
    {
        Assert.True(ProcFs.TryParseStatm(Text.Bytes("765 428 400 5 0 123 0\n"), out ParsedStatm a));
        Assert.True(ProcFs.TryParseStatm(Text.Bytes("765 428 400 5 9 123 9\n"), out ParsedStatm b));
        Assert.True(ProcFs.TryParseStatm(Text.Bytes("765 429 400 5 0 123 0\n"), out ParsedStatm c));

        Assert.True(a.Equals(b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.False(a.Equals(c));
        Assert.False(a.Equals((object)"765"));
    }

    [Theory]
    [InlineData("0\n", 0)]
    [InlineData("-1000\n", -1000)]
    [InlineData("1000\n", 1000)]
    [InlineData("-999", -999)]
    [InlineData("300\n", 300)]
    public void TryParseOomScoreAdj_InRange_Parses(string text, short expected)
    {
        Assert.True(ProcFs.TryParseOomScoreAdj(Text.Bytes(text), out short value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1001\n")]
    [InlineData("-1001\n")]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("abc\n")]
    [InlineData("12 \n")]
    [InlineData("99999999999\n")]
    public void TryParseOomScoreAdj_OutOfRangeOrGarbage_ReturnsFalse(string text)
    {
        Assert.False(ProcFs.TryParseOomScoreAdj(Text.Bytes(text), out short value));
        Assert.Equal(0, value);
    }
}
