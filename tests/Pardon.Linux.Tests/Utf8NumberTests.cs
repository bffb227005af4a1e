// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Io;

namespace Pardon.Linux.Tests;

public sealed class Utf8NumberTests
{
    [Theory]
    [InlineData("max\n", long.MaxValue)]                        // cgroup v2: no limit
    [InlineData("max", long.MaxValue)]
    [InlineData("max\n\n", long.MaxValue)]
    [InlineData("268435456\n", 268435456L)]
    [InlineData("9223372036854771712\n", 9223372036854771712L)] // cgroup v1: PAGE_COUNTER_MAX pages in bytes
    [InlineData("0\n", 0L)]
    public void TryParseLimit_CgroupValues_Parse(string text, long expected)
    {
        Assert.True(Utf8Number.TryParseLimit(Text.Bytes(text), out long value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("MAX\n")]
    [InlineData("maxx\n")]
    [InlineData(" 5\n")]
    [InlineData("5 \n")]
    [InlineData("18446744073709551615\n")]                     // beyond long
    [InlineData("12k\n")]
    public void TryParseLimit_Garbage_ReturnsFalse(string text)
    {
        Assert.False(Utf8Number.TryParseLimit(Text.Bytes(text), out _));
    }

    [Theory]
    [InlineData("a b", ' ', new[] { "a", "b" })]
    [InlineData("  a   b  ", ' ', new[] { "a", "b", "" })]       // runs are skipped; a trailing run leaves one empty token
    [InlineData("", ' ', new[] { "" })]
    [InlineData("1:2::3", ':', new[] { "1", "2", "3" })]
    public void NextToken_Separators_SkipsRuns(string text, char separator, string[] expected)
    {
        ReadOnlySpan<byte> rest = Text.Bytes(text);
        var tokens = new List<string>();
        do
        {
            tokens.Add(Text.Of(Utf8Number.NextToken(ref rest, (byte)separator)));
        }
        while (!rest.IsEmpty);

        Assert.Equal(expected, tokens);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(1, "1")]
    [InlineData(4194304, "4194304")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    public void Format_NonNegative_WritesDigits(long value, string expected)
    {
        Span<byte> buffer = stackalloc byte[32];
        int n = Utf8Number.Format(value, buffer);

        Assert.Equal(expected, Text.Of(buffer[..n]));
    }

    [Theory]
    [InlineData("42", true, 42L)]
    [InlineData("-42", true, -42L)]
    [InlineData("42x", false, 0L)]
    [InlineData("", false, 0L)]
    [InlineData("9223372036854775808", false, 0L)]
    public void TryParseInt64_WholeSpanOnly(string text, bool ok, long expected)
    {
        Assert.Equal(ok, Utf8Number.TryParseInt64(Text.Bytes(text), out long value));
        if (ok)
        {
            Assert.Equal(expected, value);
        }
    }
}
