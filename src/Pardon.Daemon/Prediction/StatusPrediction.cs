// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Forecast;
using Pardon.Daemon.Monitor;
using Pardon.Linux;
using Pardon.Linux.Cgroups;

namespace Pardon.Daemon;

/// <summary>
/// The prediction `pardon status` and the metrics show, built on the status request's thread from the monitor's
/// published readings (never touching the monitor's own readers) and files read afresh: the fill rate over the
/// last readings, the time to the levels and to the kernel's OOM, the memcg whose OOM strikes first (an ancestor
/// with less headroom warns that pressure can come from outside the scope), and the kernel's settings.
/// </summary>
public static class StatusPrediction
{
    /// <summary>Readings within this window make the rate: recent enough to follow a burst, long enough to smooth it.</summary>
    public const long RateWindowMs = 10_000;

    public static DaemonPrediction? Build(string? cgroup, MonitorStatistics? statistics, string procRoot = "/proc")
    {
        try
        {
            return BuildCore(cgroup, statistics, procRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ScopeException)
        {
            return null; // the cgroup went away, or /proc is unreadable: status still answers
        }
    }

    private static DaemonPrediction BuildCore(string? cgroup, MonitorStatistics? statistics, string procRoot)
    {
        var notes = new List<string>();
        long pageSize = Environment.SystemPageSize;
        OomScope scope;
        long? oomHeadroomKiB = null;
        if (cgroup is not null)
        {
            CgroupDirectory directory = CgroupDirectory.Open(cgroup);
            scope = CgroupOomScope.Compute(directory, 0, 0, pageSize, procRoot);
            if (CgroupMemoryMath.AncestorWarning([.. scope.Levels]) is string warning)
            {
                notes.Add(warning);
            }

            if (scope.OomingLevel >= 0)
            {
                oomHeadroomKiB = Math.Max(0, scope.Levels[scope.OomingLevel].HeadroomBytes / 1024);
            }
        }
        else
        {
            scope = new OomScope(ScopeKind.System, null, 0, 0, pageSize);
        }

        KernelOomSettings settings = KernelOomSettingsReader.Read(scope, procRoot);
        KernelOomAssessment assessment = KernelOomAssessment.Assess(settings, scope);
        notes.AddRange(assessment.Notes);

        double? rate = null, toTerm = null, toKill = null, toOom = null;
        if (statistics is not null && statistics.Fill.TryGetRate(RateWindowMs, out FillRate fill))
        {
            MemorySample sample = statistics.LastSample;
            ResolvedThresholds levels = statistics.LastThresholds;
            rate = Math.Round(fill.KiBPerSecond, 1);
            toTerm = Finite(Forecaster.SecondsUntil(sample.AvailableKiB, levels.TermKiB, fill.KiBPerSecond));
            toKill = Finite(Forecaster.SecondsUntil(sample.AvailableKiB, levels.KillKiB, fill.KiBPerSecond));
            toOom = Finite(Forecaster.SecondsUntil(oomHeadroomKiB ?? sample.AvailableKiB, 0, fill.KiBPerSecond));
            notes.Insert(0, toOom is double t
                ? $"at {Forecaster.FormatRate(fill.KiBPerSecond)} the kernel's OOM{(scope.OomingCgroup is string o ? " in " + o : "")} is {Forecaster.FormatSeconds(t)} away" +
                  (toTerm is double term ? $"; the terminate level {Forecaster.FormatSeconds(term)}" : "")
                : $"memory is not filling ({Forecaster.FormatRate(fill.KiBPerSecond)} over the last {Units.FormatDuration(fill.SpanMs)}): no OOM in sight");
        }

        return new DaemonPrediction
        {
            FillKiBPerSecond = rate,
            SecondsToTerm = toTerm,
            SecondsToKill = toKill,
            SecondsToOom = toOom,
            OomingCgroup = scope.OomingCgroup,
            KernelOutcome = KernelOomAssessment.Describe(assessment.Outcome),
            Notes = notes,
        };
    }

    private static double? Finite(double? seconds) => seconds is double s ? Math.Round(s, 2) : null;
}
