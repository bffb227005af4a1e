// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

/// <summary>Choosing the rss counter the running kernel's oom_badness() reads, from its own oom_score.</summary>
public sealed class RssCounterChoiceTests
{
    private const long Total = TestProcess.MachineTotalPages;

    [Theory]
    [InlineData(6, 18, RssCounter.Approximate)]
    [InlineData(6, 19, RssCounter.Approximate)]
    [InlineData(7, 0, RssCounter.Precise)]
    [InlineData(7, 3, RssCounter.Precise)]
    [InlineData(0, 0, RssCounter.Approximate)]   // unknown version
    public void WithoutEvidence_TheVersionDecides(int major, int minor, RssCounter expected)
    {
        (RssCounter counter, string basis) = new RssCounterChoice().Decide(major, minor);
        Assert.Equal(expected, counter);
        Assert.Contains("no process told the two apart", basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Evidence_FromAProcessAcrossAScoreStep_OverridesTheVersion()
    {
        // The oom_score step on this machine's 6171024 pages lies between 6129 and 6149 pages of rss (seen live:
        // stat 6129 → 666, statm 6149 → 667, with 30 pages of page tables). A kernel showing 667 reads the precise sum.
        Assert.Equal((666L, 667L), RssCounterChoice.Predictions(6129, 6149, 0, 30 * 4096, 0, 6170905, 4096));
        var precise = new RssCounterChoice();
        Assert.True(precise.Observe(6129, 6149, 0, 30 * 4096, 0, 6170905, 4096, kernelOomScore: 667));
        Assert.Equal(RssCounter.Precise, precise.Decide(6, 18).Counter);

        var approximate = new RssCounterChoice();
        Assert.True(approximate.Observe(6129, 6149, 0, 30 * 4096, 0, 6170905, 4096, kernelOomScore: 666));
        (RssCounter counter, string basis) = approximate.Decide(7, 1);
        Assert.Equal(RssCounter.Approximate, counter);
        Assert.Contains("matched the approximate counters (/proc/PID/stat) for 1 of 1", basis, StringComparison.Ordinal);
    }

    [Fact]
    public void SameScoreEitherWay_OrAThirdScore_IsNoEvidence()
    {
        var choice = new RssCounterChoice();
        Assert.False(choice.Observe(1000, 1003, 0, 0, 0, Total, 4096, kernelOomScore: 666));
        Assert.Equal(1, choice.Undecided);
        Assert.False(choice.Observe(6129, 6149, 0, 30 * 4096, 0, 6170905, 4096, kernelOomScore: 700));
        Assert.Equal(0, choice.ApproximateVotes + choice.PreciseVotes);
    }
}
