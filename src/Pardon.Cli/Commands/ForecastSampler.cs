// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Core;
using Pardon.Core.Forecast;
using Pardon.Daemon.Reports;

namespace Pardon.Cli.Commands;

/// <summary>
/// Readings for a forecast, taken by `rank` (two, a short interval apart) and `top` (one per frame): the scope's
/// available memory, each cgroup level's headroom, and each process's rss + swap. Rates come from the readings
/// within the window; per process from its oldest reading within it.
/// </summary>
internal sealed class ForecastSampler
{
    private readonly FillRateEstimator _scope = new();
    private readonly Dictionary<string, FillRateEstimator> _levels = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Pid, ulong Start), (long Pages, long Ms)> _baseline = [];
    private readonly long _windowMs;
    private double[] _rates = [];

    public ForecastSampler(long windowMs)
    {
        _windowMs = windowMs;
    }

    /// <summary>Records one reading: call after each scan-and-rank, before the ranking is reused.</summary>
    public void Record(Ranking ranking, MemorySample? memory, long nowMs)
    {
        if (memory is MemorySample m)
        {
            _scope.Record(nowMs, m.AvailableKiB);
        }

        foreach (CgroupLevel level in ranking.Scope.Levels)
        {
            if (level.Limited)
            {
                if (!_levels.TryGetValue(level.Path, out FillRateEstimator? estimator))
                {
                    _levels[level.Path] = estimator = new FillRateEstimator();
                }

                estimator.Record(nowMs, level.HeadroomBytes / 1024);
            }
        }

        _rates = new double[ranking.Count];
        var seen = new HashSet<(int, ulong)>();
        for (int i = 0; i < ranking.Count; i++)
        {
            ProcessFacts p = ranking[i].Process;
            var key = (p.Pid, p.StartTime);
            seen.Add(key);
            long pages = p.RssPages + p.SwapPages;
            if (_baseline.TryGetValue(key, out (long Pages, long Ms) b))
            {
                _rates[i] = ProcessGrowthRate.PagesPerSecond(b.Pages, b.Ms, pages, nowMs);
                if (nowMs - b.Ms > _windowMs)
                {
                    _baseline[key] = (pages, nowMs);
                }
            }
            else
            {
                _baseline[key] = (pages, nowMs); // first seen: no rate yet (0)
            }
        }

        foreach ((int, ulong) gone in _baseline.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _baseline.Remove(gone);
        }
    }

    /// <summary>The forecast from the readings so far, or null with fewer than two.</summary>
    public ForecastReport? Forecast(Ranking ranking, MemorySample? memory, ResolvedThresholds? levels, KernelOomOutcome outcome, bool daemonRunning)
    {
        if (memory is not MemorySample m || !_scope.TryGetRate(_windowMs, out FillRate rate) || _rates.Length != ranking.Count)
        {
            return null;
        }

        OomScope scope = ranking.Scope;
        long oomHeadroomKiB = m.AvailableKiB;
        double oomRate = rate.KiBPerSecond;
        string? oomingCgroup = null;
        bool[]? mask = null;
        string note = "";
        if (scope.Kind == ScopeKind.Cgroup && scope.Limited && scope.Levels.Count > 0)
        {
            int chosen = FirstToFail(scope, rate, out oomHeadroomKiB, out oomRate);
            oomingCgroup = scope.Levels[chosen].Path;
            if (chosen < scope.OomingLevel)
            {
                mask = Mask(ranking, RelativePath(scope, scope.Levels[chosen].Path));
            }
            else if (chosen > scope.OomingLevel)
            {
                // An ancestor above the one scanned fills faster: its other processes were not read.
                mask = new bool[ranking.Count];
                note = $"; {oomingCgroup}'s other processes were not read, so its victim is not named";
            }

            if (chosen != scope.OomingLevel)
            {
                note = $"; at these rates {oomingCgroup} runs out first, not {scope.OomingCgroup}" + note;
            }
        }

        ScopeForecast forecast = Forecaster.Project(new ForecastInput
        {
            Ranking = ranking,
            GrowthPagesPerSecond = _rates,
            AvailableKiB = m.AvailableKiB,
            Rate = rate,
            TermKiB = levels?.TermKiB,
            KillKiB = levels?.KillKiB,
            OomHeadroomKiB = oomHeadroomKiB,
            OomFillKiBPerSecond = oomRate,
            OomingCgroup = oomingCgroup,
            InOomScope = mask,
            Outcome = outcome,
            DaemonRunning = daemonRunning,
        });
        string levelRate = oomingCgroup is not null && Math.Abs(oomRate - rate.KiBPerSecond) > 0.5 ? $", {oomingCgroup} at {Forecaster.FormatRate(oomRate)}" : "";
        string basis = string.Create(CultureInfo.InvariantCulture, $"{rate.Readings} readings over {Units.FormatDuration(rate.SpanMs)}: the scope fills at {Forecaster.FormatRate(rate.KiBPerSecond)}")
            + levelRate + "; each process's rss + swap at its own rate over the same readings; straight lines" + note;
        return RankReportBuilder.Forecast(forecast, basis);
    }

    /// <summary>
    /// Of the scope and its limited ancestors, the one whose headroom runs out first at its own observed rate
    /// (the scope's rate when a level has no reading yet); with none running out, the one with the least headroom.
    /// </summary>
    private int FirstToFail(OomScope scope, FillRate scopeRate, out long headroomKiB, out double rate)
    {
        int chosen = scope.OomingLevel;
        double best = double.PositiveInfinity;
        for (int i = 0; i < scope.Levels.Count; i++)
        {
            CgroupLevel level = scope.Levels[i];
            if (!level.Limited)
            {
                continue;
            }

            double r = _levels.TryGetValue(level.Path, out FillRateEstimator? e) && e.TryGetRate(_windowMs, out FillRate lr) ? lr.KiBPerSecond : scopeRate.KiBPerSecond;
            double? t = Forecaster.SecondsUntil(Math.Max(0, level.HeadroomBytes / 1024), 0, r);
            if (t is double seconds && seconds < best)
            {
                best = seconds;
                chosen = i;
            }
        }

        CgroupLevel c = scope.Levels[chosen];
        headroomKiB = Math.Max(0, c.HeadroomBytes / 1024);
        rate = _levels.TryGetValue(c.Path, out FillRateEstimator? ce) && ce.TryGetRate(_windowMs, out FillRate cr) ? cr.KiBPerSecond : scopeRate.KiBPerSecond;
        return chosen;
    }

    /// <summary>The path /proc/PID/cgroup shows for <paramref name="levelPath"/>, an ancestor directory of the scope (or the scope).</summary>
    private static string RelativePath(OomScope scope, string levelPath)
    {
        string rel = scope.ScopeCgroup ?? "/";
        string suffix = scope.Path is string p && p.Length >= levelPath.Length ? p[levelPath.Length..] : "";
        string result = suffix.Length > 0 && rel.EndsWith(suffix, StringComparison.Ordinal) ? rel[..^suffix.Length] : rel;
        return result.Length == 0 ? "/" : result;
    }

    private static bool[] Mask(Ranking ranking, string relative)
    {
        var mask = new bool[ranking.Count];
        for (int i = 0; i < ranking.Count; i++)
        {
            string? c = ranking[i].Process.Cgroup;
            mask[i] = relative == "/" || c is null || Pardon.Core.Containers.CgroupPaths.IsWithin(c, relative);
        }

        return mask;
    }
}
