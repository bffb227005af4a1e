// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Stall;

namespace Pardon.Core.Tests.Stall;

public sealed class StallSettingsTests
{
    [Theory]
    [InlineData("40%", 40.0)]
    [InlineData(" 12.5% ", 12.5)]
    [InlineData("100%", 100.0)]
    [InlineData("off", null)]
    [InlineData("OFF", null)]
    public void Shares_parse(string text, double? expected)
    {
        Assert.True(StallSettings.TryParseAbove(text, out double? percent, out string error), error);
        Assert.Equal(expected, percent);
    }

    [Theory]
    [InlineData("40", "is not a share of time")]
    [InlineData("0%", "out of range")]
    [InlineData("101%", "out of range")]
    [InlineData("-5%", "is not a share of time")]
    [InlineData("forty%", "is not a share of time")]
    [InlineData("", "is not a share of time")]
    public void Bad_shares_say_what_is_wrong(string text, string expected)
    {
        Assert.False(StallSettings.TryParseAbove(text, out _, out string error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Kinds_parse()
    {
        Assert.True(StallSettings.TryParseKind("full", out StallKind k, out _));
        Assert.Equal(StallKind.Full, k);
        Assert.True(StallSettings.TryParseKind("Some", out k, out _));
        Assert.Equal(StallKind.Some, k);
        Assert.False(StallSettings.TryParseKind("partial", out _, out string error));
        Assert.Contains("\"partial\" is not a stall kind", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_are_checked_against_their_range()
    {
        Assert.True(StallSettings.TryCheckFor(TimeSpan.FromSeconds(10), out _));
        Assert.True(StallSettings.TryCheckFor(TimeSpan.FromSeconds(2), out _));
        Assert.False(StallSettings.TryCheckFor(TimeSpan.FromSeconds(1), out string error));
        Assert.Contains("out of range (2s to 60s)", error, StringComparison.Ordinal);
        Assert.False(StallSettings.TryCheckFor(TimeSpan.FromMinutes(2), out _));
    }

    [Fact]
    public void Defaults_and_derived_figures()
    {
        StallSettings d = StallSettings.Default;
        Assert.True(d.Enabled);
        Assert.Equal(10, d.AbovePercent);
        Assert.Equal(10_000, d.ForMs);
        Assert.Equal(StallKind.Full, d.Kind);
        Assert.Equal(5, d.SliceFloorPercent);
        Assert.Equal(500, d.ResolutionMs);
        Assert.Equal("10%", d.AboveText);
        Assert.Equal("40%", StallTestSettings.Forty.AboveText);
        Assert.Equal("off", StallSettings.Off.AboveText);
        Assert.Equal("full 50000 2000000", StallWakeTrigger.For(d, privileged: false).ToString());
        Assert.Equal(100, (d with { ForMs = 2_000 }).ResolutionMs);
        Assert.Equal(1_000, (d with { ForMs = 60_000 }).ResolutionMs);
    }

    [Fact]
    public void The_wake_trigger_fits_what_the_kernel_allows()
    {
        // psi_trigger_create(): without CAP_SYS_RESOURCE the window must be a multiple of 2 s; 0 < threshold <= window.
        StallWakeTrigger unprivileged = StallWakeTrigger.For(StallTestSettings.Forty, privileged: false);
        Assert.Equal(2_000_000, unprivileged.WindowUs);
        Assert.Equal(200_000, unprivileged.ThresholdUs);
        Assert.Equal("full 200000 2000000", unprivileged.ToString());

        StallWakeTrigger privileged = StallWakeTrigger.For(StallTestSettings.Forty with { Kind = StallKind.Some, AbovePercent = 100 }, privileged: true);
        Assert.Equal("some 250000 1000000", privileged.ToString());

        StallWakeTrigger tiny = StallWakeTrigger.For(StallTestSettings.Forty with { AbovePercent = 0.01 }, privileged: false);
        Assert.Equal(1_000, tiny.ThresholdUs);
    }
}
