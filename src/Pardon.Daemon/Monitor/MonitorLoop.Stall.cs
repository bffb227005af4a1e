// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Stall;
using Pardon.Daemon.Events;
using Pardon.Daemon.Stall;
using Pardon.Linux;

namespace Pardon.Daemon.Monitor;

/// <summary>The memory-stall criterion in the engine: each scope's PSI source, its readings, its events.</summary>
public sealed partial class MonitorLoop
{
    /// <summary>The scope's stall criterion, or null when it is off or the scope has no PSI source (then warned about).</summary>
    private ScopeStall? CreateStall(ResolvedScope resolved, Action<string, string> warn)
    {
        if (!Settings.Stall.Enabled)
        {
            return null;
        }

        ScopeStall stall = ScopeStall.Create(Settings.Stall, resolved.Cgroup, _procRoot);
        if (stall.Warning is string warning)
        {
            warn("psi", warning);
        }

        if (!stall.Settings.Enabled)
        {
            stall.Dispose();
            return null;
        }

        return stall;
    }

    /// <summary>
    /// After a scope's step judged its stall reading: the figures for status and metrics, the episode's baseline,
    /// a cooldown held back (said once), and scans every scan interval while the scope stalls, so the culprit's
    /// fault rates rest on recent readings. Allocates nothing unless it emits an event.
    /// </summary>
    private void StallTicked(WatchedScope scope, StallPhase before, long now)
    {
        ScopeStall stall = scope.Stall!;
        StallTracker? tracker = scope.Step.Stall;
        if (tracker is null)
        {
            return;
        }

        stall.Noticed(now, before);
        ScopeStatistics st = scope.Statistics;
        st.StallReading = tracker.Last;
        st.StallPhase = tracker.Phase;
        st.StallAvg10 = stall.Sample.Avg10(stall.Settings.Kind);
        st.StallAvg60 = stall.Sample.Avg60(stall.Settings.Kind);
        if (tracker.CooldownHeldBack)
        {
            Events.Emit(StallPressureEvent(scope, stall, now, cooldown: true));
        }

        if (tracker.Phase is StallPhase.Building or StallPhase.Met && now - scope.LastStallScanMs >= (long)Settings.ScanInterval.TotalMilliseconds)
        {
            scope.LastStallScanMs = now;
            scope.ScanRequested = true;
        }
    }

    private DaemonEvent StallPressureEvent(WatchedScope scope, ScopeStall stall, long now, bool cooldown)
    {
        DaemonEvent e = stall.PressureEvent(now, cooldown, scope.Label, InScope(scope));
        e.Ts = EventLog.FormatTimestamp(DateTimeOffset.UtcNow);
        return e;
    }

    /// <summary>The stall's figures and the culprit's, for a stall kill event.</summary>
    private static (string Reason, StallKillFields Fields, bool HadDemand) StallKillDetails(ScopeStall stall, ProcessFacts victim, long pageSize)
    {
        FaultRates rates = victim.Faults.Rates(stall.Settings.ForMs);
        bool hadDemand = StallCulprit.Demand(victim, stall.Settings.ForMs) > 0;
        return (stall.Reason(victim, in rates, pageSize), stall.KillFields(in rates, pageSize), hadDemand);
    }
}
