// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Forecast;

namespace Pardon.Daemon.Reports;

/// <summary>Builds the JSON and table views of a <see cref="Ranking"/>.</summary>
public static class RankReportBuilder
{
    /// <summary>
    /// Processes come in Pardon's order (its victim first), then those Pardon will not choose (pardoned,
    /// itself), then — with <paramref name="all"/> — those the kernel skips too.
    /// </summary>
    public static RankReport Build(Ranking ranking, MemorySample? memory, bool all, Func<uint, string?> userName, KernelOomSettings? settings = null)
    {
        OomScope scope = ranking.Scope;
        var processes = new List<ProcessReport>();
        foreach (int i in OrderedIndices(ranking, all))
        {
            processes.Add(Process(ranking, i, userName));
        }

        return new RankReport
        {
            Scope = Scope(scope),
            KernelVictim = ranking.KernelVictim >= 0 ? ranking[ranking.KernelVictim].Process.Pid : null,
            Victim = ranking.Victim >= 0 ? ranking[ranking.Victim].Process.Pid : null,
            KernelVictimTies = Ties(ranking),
            KernelVictimCloseCalls = [.. CloseCalls(ranking)],
            Kernel = settings is null ? null : Kernel(settings, ranking),
            Memory = memory is MemorySample m ? new MemoryReport
            {
                TotalKiB = m.TotalKiB,
                AvailableKiB = m.AvailableKiB,
                SwapTotalKiB = m.SwapTotalKiB,
                SwapFreeKiB = m.SwapFreeKiB,
            } : null,
            Processes = processes,
        };
    }

    public static ScopeReport Scope(OomScope scope) => new()
    {
        Kind = scope.Kind == ScopeKind.System ? "system" : "cgroup",
        Path = scope.Path,
        TotalPages = scope.TotalPages,
        PageSize = scope.PageSize,
        SystemTotalPages = scope.SystemTotalPages,
        CgroupVersion = scope.CgroupVersion is { } v ? (int)v : null,
        OomingCgroup = scope.OomingCgroup,
        LimitBytes = scope.Kind == ScopeKind.Cgroup && scope.Limited ? scope.LimitBytes : null,
        Levels = scope.Kind == ScopeKind.Cgroup
            ? [.. scope.Levels.Select(l => new CgroupLevelReport
            {
                Path = l.Path,
                LimitBytes = l.LimitBytes == long.MaxValue ? null : l.LimitBytes,
                UsageBytes = l.UsageBytes,
                HeadroomBytes = l.Limited ? l.HeadroomBytes : null,
            })]
            : null,
    };

    /// <summary>The pids that may be the kernel's victim instead of the one named (see <see cref="Ranking.KernelVictimTies"/>).</summary>
    public static List<int> Ties(Ranking ranking)
    {
        var pids = new List<int>();
        foreach (int i in ranking.KernelVictimTies)
        {
            pids.Add(ranking[i].Process.Pid);
        }

        return pids;
    }

    /// <summary>The pids within reach of the kernel's victim (see <see cref="Ranking.KernelVictimCloseCalls"/>).</summary>
    public static List<int> CloseCalls(Ranking ranking)
    {
        var pids = new List<int>();
        foreach (int i in ranking.KernelVictimCloseCalls)
        {
            pids.Add(ranking[i].Process.Pid);
        }

        return pids;
    }

    public static KernelReport Kernel(KernelOomSettings settings, Ranking ranking)
    {
        KernelOomAssessment assessment = KernelOomAssessment.Assess(settings, ranking);
        return new KernelReport
        {
            Outcome = KernelOomAssessment.Describe(assessment.Outcome),
            PanicOnOom = settings.PanicOnOom,
            OomKillAllocatingTask = settings.OomKillAllocatingTask,
            OomKillDisable = settings.OomKillDisable,
            UnderOom = settings.UnderOom,
            OomKills = settings.OomKills,
            PidNamespace = settings.PidNamespace switch
            {
                PidNamespaceKind.Child => "child",
                PidNamespaceKind.Unknown => "unknown",
                _ => "initial",
            },
            RssCounter = settings.RssCounter == RssCounter.Precise ? "precise" : "approximate",
            RssCounterBasis = settings.RssCounterBasis,
            Notes = assessment.Notes,
        };
    }

    public static ForecastReport Forecast(ScopeForecast f, string basis) => new()
    {
        FillKiBPerSecond = Math.Round(f.FillKiBPerSecond, 1),
        SecondsToTerm = Round(f.SecondsToTerm),
        SecondsToKill = Round(f.SecondsToKill),
        SecondsToOom = Round(f.SecondsToOom),
        OomingCgroup = f.OomingCgroup,
        KernelVictim = f.Outcome == KernelOomOutcome.Kill ? f.KernelVictimAtOom?.Pid : null,
        KernelVictimTies = f.Outcome == KernelOomOutcome.Kill ? [.. f.KernelVictimTies.Select(p => p.Pid)] : [],
        Victim = f.VictimAtTerm?.Pid,
        Basis = basis,
        Summary = f.Summary,
    };

    private static double? Round(double? seconds) => seconds is double s ? Math.Round(s, 2) : null;

    public static ProcessReport Process(Ranking ranking, int index, Func<uint, string?> userName)
    {
        ref Evaluation e = ref ranking[index];
        ProcessFacts p = e.Process;
        long kibPerPage = ranking.Scope.PageSize / 1024;
        return new ProcessReport
        {
            Pid = p.Pid,
            Ppid = p.Ppid,
            Comm = p.Comm,
            Exe = p.Exe,
            Cmdline = p.Cmdline,
            Uid = p.Uid,
            User = userName(p.Uid),
            Cgroup = p.Cgroup,
            StartTime = p.StartTime,
            RssKiB = p.RssPages * kibPerPage,
            SwapKiB = p.SwapPages * kibPerPage,
            PgTablesKiB = p.PgTablesBytes / 1024,
            OomScoreAdj = p.OomScoreAdj,
            KernelBadness = e.KernelEligible ? e.KernelBadness : null,
            OomScore = e.OomScore,
            Eligible = e.Eligible,
            KernelEligible = e.KernelEligible,
            Pardoned = e.Spared,
            Score = e.KernelEligible ? e.Score : null,
            GrowthKiB = e.GrowthPages * kibPerPage,
            Tier = Explanation.Describe(e.Tier),
            Unit = Explanation.Describe(e.Unit),
            OutsideScope = !ranking.Scope.Contains(p),
            MmThread = p.MmThreadId != 0 ? p.MmThreadId : null,
            Tie = ranking.KernelVictimTies.Length > 0 && (index == ranking.KernelVictim || ranking.KernelVictimTies.Contains(index)),
            SigKillPending = p.SigKillPending,
            Reasons = Explanation.Reasons(in e, ranking.Scope, index == ranking.KernelVictim, index == ranking.Victim),
        }.WithPlacement(in e);
    }

    public static List<int> OrderedIndices(Ranking ranking, bool all)
    {
        var result = new List<int>(ranking.CandidatesInOrder());
        var excluded = new List<int>();
        var ineligible = new List<int>();
        for (int i = 0; i < ranking.Count; i++)
        {
            ref Evaluation e = ref ranking[i];
            if (e.Eligible)
            {
                continue;
            }

            if (e.KernelEligible)
            {
                excluded.Add(i);
            }
            else if (all || e.Pardon is not null)
            {
                ineligible.Add(i);
            }
        }

        // Those Pardon skips, still by kernel badness: the kernel may well pick them.
        excluded.Sort((a, b) => ranking[b].KernelBadness.CompareTo(ranking[a].KernelBadness));
        ineligible.Sort((a, b) => ranking[a].Process.Pid.CompareTo(ranking[b].Process.Pid));
        result.AddRange(excluded);
        result.AddRange(ineligible);
        return result;
    }
}
