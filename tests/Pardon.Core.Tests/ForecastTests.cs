// This file is part of Pardon, a userspace OOM killer for Linux.

using CsCheck;
using Pardon.Core.Forecast;
using Pardon.Core.Tests.Model;

namespace Pardon.Core.Tests;

/// <summary>
/// The forecast (Core/Forecast): the fill rate from readings, the time to the levels and to the OOM, and the
/// victims with growth projected, checked against the reference model evaluated at the projected moment.
/// </summary>
public sealed class ForecastTests
{
    private const long PageSize = 4096;

    [Fact]
    public void FillRate_OfReadingsOnAStraightLine_IsItsSlope()
    {
        Gen.Select(Gen.Long[1_000, 50_000_000], Gen.Double[-500_000, 500_000], Gen.Int[2, 20], Gen.Int[50, 2_000]).Sample((start, kibPerSecond, n, stepMs) =>
        {
            var estimator = new FillRateEstimator();
            for (int i = 0; i < n; i++)
            {
                // Available memory falls at kibPerSecond: readings rounded to KiB, as procfs prints them.
                estimator.Record(10_000 + ((long)i * stepMs), start - (long)Math.Round(kibPerSecond * i * stepMs / 1000.0));
            }

            Assert.True(estimator.TryGetRate(long.MaxValue, out FillRate rate));
            Assert.Equal(n, rate.Readings);
            Assert.Equal((long)(n - 1) * stepMs, rate.SpanMs);
            Assert.True(Math.Abs(rate.KiBPerSecond - kibPerSecond) <= 1000.0 / stepMs + 1e-6 * Math.Abs(kibPerSecond), $"{rate.KiBPerSecond} vs {kibPerSecond}");
        }, iter: 3_000);
    }

    [Fact]
    public void FillRate_OnlyReadingsWithinTheWindowCount()
    {
        var estimator = new FillRateEstimator();
        estimator.Record(0, 1_000_000);        // an old burst: 1000 KiB/s...
        estimator.Record(1_000, 999_000);
        estimator.Record(11_000, 999_000);     // ...then 10 s flat
        estimator.Record(12_000, 999_000);
        Assert.True(estimator.TryGetRate(2_000, out FillRate recent));
        Assert.Equal(0, recent.KiBPerSecond, 6);
        Assert.Equal(2, recent.Readings);
        Assert.False(new FillRateEstimator().TryGetRate(10_000, out _));
    }

    [Theory]
    [InlineData(1000, 200, 100.0, 8.0)]
    [InlineData(1000, 1000, 100.0, 0.0)]
    [InlineData(500, 1000, 100.0, 0.0)]     // already below: now
    [InlineData(1000, 200, 0.0, null)]      // not filling: never
    [InlineData(1000, 200, -50.0, null)]
    public void SecondsUntil_IsTheDistanceOverTheRate(long available, long level, double rate, double? expected)
        => Assert.Equal(expected, Forecaster.SecondsUntil(available, level, rate));

    [Fact]
    public void Project_KernelVictimAtTheOom_IsTheModelsVictimOfTheProjectedBadness()
    {
        // Processes with sizes, adjustments and growth rates; the OOM comes at headroom / rate seconds.
        Gen<(long Rss, short Adj, double Growth)> genProcess = Gen.Select(Gen.Long[0, 100_000], Gen.Int[-998, 1000], Gen.Double[-2_000, 20_000])
            .Select(t => (t.Item1, (short)t.Item2, t.Item3));
        Gen.Select(genProcess.Array[1, 10], Gen.Long[0, 2_000_000], Gen.Double[1, 500_000], Gen.Long[1_000, 10_000_000]).Sample((spec, headroomKiB, rateKiB, totalPages) =>
        {
            ProcessFacts[] processes = [.. spec.Select((s, i) => new ProcessFacts { Pid = 100 + i, Comm = "p", HasMm = true, RssAnonPages = s.Rss, OomScoreAdj = s.Adj, StartTime = 1000 })];
            var scope = new OomScope(ScopeKind.System, null, totalPages, totalPages, PageSize);
            var ranking = new Ranking();
            new VictimSelector(SelectionPolicy.Default).Rank(scope, processes, 10_000_000, null, ranking);
            double[] growth = [.. spec.Select(s => s.Growth)];
            ScopeForecast f = Forecaster.Project(new ForecastInput
            {
                Ranking = ranking,
                GrowthPagesPerSecond = growth,
                AvailableKiB = headroomKiB,
                Rate = new FillRate(rateKiB, 1000, 2),
                OomHeadroomKiB = headroomKiB,
                OomFillKiBPerSecond = rateKiB,
            });

            double t = headroomKiB / rateKiB;
            Assert.Equal(t, f.SecondsToOom!.Value, 9);
            long[] projected = [.. spec.Select((s, i) => KernelModel.OomBadness(
                new ModelTask(100 + i, s.Rss + ProcessGrowthRate.ProjectDelta(s.Rss, s.Growth, t), 0, 0, s.Adj), (ulong)totalPages, PageSize))];
            int expected = KernelModel.SelectBadProcess(projected);
            Assert.Equal(expected < 0 ? null : 100 + expected, f.KernelVictimAtOom?.Pid);
        }, iter: 3_000);
    }

    [Fact]
    public void Project_WithoutGrowth_NamesTodaysVictims()
    {
        ProcessFacts[] processes =
        [
            TestProcess.Make(pid: 10, rssPages: 50_000),
            TestProcess.Make(pid: 11, rssPages: 80_000),
            TestProcess.Make(pid: 12, rssPages: 20_000, adj: 900),
        ];
        Ranking ranking = Rank(processes);
        ScopeForecast f = Forecaster.Project(Input(ranking, [0, 0, 0], availableKiB: 1_000_000, rate: 10_000, termKiB: 200_000));
        Assert.Equal(ranking[ranking.KernelVictim].Process.Pid, f.KernelVictimAtOom!.Pid);
        Assert.Equal(ranking[ranking.Victim].Process.Pid, f.VictimAtTerm!.Pid);
        Assert.Equal(80.0, f.SecondsToTerm!.Value, 9);
        Assert.Equal(100.0, f.SecondsToOom!.Value, 9);
    }

    [Fact]
    public void Project_AGrowerOvertakesTheLargest_AndTheSummarySaysWhoAndWhen()
    {
        // 300 MiB static and a 40 MiB grower adding 40 MiB/s; the scope fills at 20 MiB/s with 200 MiB left, so
        // the terminate level (100 MiB) is 5 s away and the OOM 10 s: the grower is 240 MiB at the first
        // (the database still leads) and 440 MiB at the second (the grower leads).
        ProcessFacts big = TestProcess.Make(pid: 20, rssPages: 300 * 256, comm: "db");
        ProcessFacts grower = TestProcess.Make(pid: 21, rssPages: 40 * 256, comm: "leak");
        Ranking ranking = Rank([big, grower]);
        Assert.Equal(20, ranking[ranking.KernelVictim].Process.Pid);

        ScopeForecast f = Forecaster.Project(Input(ranking, [0, 40 * 256], availableKiB: 200 * 1024, rate: 20 * 1024, termKiB: 100 * 1024));
        Assert.Equal(21, f.KernelVictimAtOom!.Pid);
        Assert.Equal(20, f.VictimAtTerm!.Pid);
        Assert.Equal(10.0, f.SecondsToOom!.Value, 9);
        Assert.Equal(5.0, f.SecondsToTerm!.Value, 9);
        Assert.Equal("at 20 MiB/s the kernel's OOM is 10 s away; it would kill 21 (leak); Pardon would stop 20 (db) in 5 s", f.Summary);
    }

    [Fact]
    public void Project_NotFilling_SaysSoAndNamesNoVictim()
    {
        Ranking ranking = Rank([TestProcess.Make(pid: 30, rssPages: 1000)]);
        ScopeForecast f = Forecaster.Project(Input(ranking, [0], availableKiB: 1_000_000, rate: -300, termKiB: 100_000));
        Assert.Null(f.SecondsToOom);
        Assert.Null(f.KernelVictimAtOom);
        Assert.StartsWith("memory is not filling (300 KiB/s freed)", f.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Project_PanicOutcome_SaysTheKernelWouldPanic()
    {
        Ranking ranking = Rank([TestProcess.Make(pid: 30, rssPages: 1000)]);
        ForecastInput input = Input(ranking, [0], availableKiB: 10_000, rate: 1_000, termKiB: 5_000);
        ScopeForecast f = Forecaster.Project(new ForecastInput
        {
            Ranking = input.Ranking,
            GrowthPagesPerSecond = input.GrowthPagesPerSecond,
            AvailableKiB = input.AvailableKiB,
            Rate = input.Rate,
            TermKiB = input.TermKiB,
            OomHeadroomKiB = input.OomHeadroomKiB,
            OomFillKiBPerSecond = input.OomFillKiBPerSecond,
            Outcome = KernelOomOutcome.Panic,
        });
        Assert.Contains("the kernel would panic", f.Summary, StringComparison.Ordinal);
    }

    private static Ranking Rank(ProcessFacts[] processes)
    {
        var ranking = new Ranking();
        new VictimSelector(SelectionPolicy.Default).Rank(TestProcess.SystemScope(), processes, TestProcess.NowMs, null, ranking);
        return ranking;
    }

    private static ForecastInput Input(Ranking ranking, double[] growth, long availableKiB, double rate, long termKiB) => new()
    {
        Ranking = ranking,
        GrowthPagesPerSecond = growth,
        AvailableKiB = availableKiB,
        Rate = new FillRate(rate, 1000, 2),
        TermKiB = termKiB,
        OomHeadroomKiB = availableKiB,
        OomFillKiBPerSecond = rate,
    };
}
