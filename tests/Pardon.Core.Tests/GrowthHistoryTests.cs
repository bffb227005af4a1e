// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core.Tests;

/// <summary>
/// Two checkpoints per process: the newer one moves forward once it is half a window old, the older one
/// is the baseline while it is within the window, else the newer one, else there is no baseline.
/// </summary>
public sealed class GrowthHistoryTests
{
    private const long Window = 30_000;
    private const long Old = 1_000_000_000; // an age far beyond the window: growth comes from the history only

    [Theory]
    [InlineData("", 50_000, 500, 0, 0)]                                  // never sampled
    [InlineData("0:100", 10_000, 150, 50, 10_000)]
    [InlineData("0:100,10000:200", 20_000, 400, 300, 20_000)]            // 10 s < half window: no shift, the 200 sample is not kept
    [InlineData("0:100,15000:300", 20_000, 400, 300, 20_000)]            // shifted at half a window: baseline still the first
    [InlineData("0:100,15000:300,30000:500", 40_000, 600, 300, 25_000)]  // second shift: baseline is the 15 s checkpoint
    [InlineData("0:100,20000:300", 35_000, 400, 100, 15_000)]            // older checkpoint out of the window: the newer one
    [InlineData("0:100,20000:300", 60_000, 400, 0, 0)]                   // both out of the window: no baseline
    [InlineData("0:500", 10_000, 200, 0, 10_000)]                        // shrinking is not negative growth
    [InlineData("0:100", 30_000, 200, 100, 30_000)]                      // exactly one window old still counts
    [InlineData("0:100", 30_001, 200, 0, 0)]
    public void GrowthPages_Checkpoints_UseTheDocumentedBaseline(string records, long nowMs, long rss, long expectedGrowth, long expectedBaselineAge)
    {
        GrowthHistory history = Replay(records);

        Assert.Equal(expectedGrowth, history.GrowthPages(nowMs, rss, Window, Old));
        Assert.Equal(expectedBaselineAge, history.BaselineAgeMs(nowMs, Window));
    }

    [Theory]
    [InlineData(59_000, 590, 290, 29_000)]    // checkpoints at 30 s (300) and 45 s (450): baseline 30 s
    [InlineData(60_000, 600, 150, 15_000)]    // the 60 s sample shifted them: 45 s (450) and 60 s
    [InlineData(74_000, 740, 290, 29_000)]
    public void GrowthPages_SampledEverySecond_BaselineIsHalfToOneWindowOld(long nowMs, long rss, long expectedGrowth, long expectedBaselineAge)
    {
        // RSS grows by one page every 100 ms, sampled once a second up to and including nowMs.
        var history = default(GrowthHistory);
        for (long t = 0; t <= nowMs; t += 1000)
        {
            history.Record(t, t / 100, Window);
        }

        Assert.Equal(expectedGrowth, history.GrowthPages(nowMs, rss, Window, Old));
        Assert.Equal(expectedBaselineAge, history.BaselineAgeMs(nowMs, Window));
    }

    [Theory]
    [InlineData("", 0, 4000, 4000)]
    [InlineData("", 5_000, 4000, 4000)]
    [InlineData("", Window, 4000, 4000)]              // exactly one window old is still young
    [InlineData("", Window + 1, 4000, 0)]             // no history: nothing known
    [InlineData("0:3900", 5_000, 4000, 4000)]         // young wins over the history: all of it is new
    [InlineData("", 5_000, -1, 0)]
    [InlineData("", -1, 4000, 0)]                     // a start time after "now" (clock mismatch) is not youth
    public void GrowthPages_YoungProcess_AllRssIsGrowth(string records, long ageMs, long rss, long expected)
    {
        GrowthHistory history = Replay(records);

        Assert.Equal(expected, history.GrowthPages(10_000, rss, Window, ageMs));
    }

    private static GrowthHistory Replay(string records)
    {
        var history = default(GrowthHistory);
        foreach (string record in records.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = record.Split(':');
            history.Record(long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), Window);
        }

        return history;
    }
}
