// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Events;

/// <summary>
/// Which events the pipeline may drop or coalesce. Kill-critical events are rare and say what was done to
/// a process (or that nothing could be done), so they take a reserved path that always accepts them.
/// </summary>
public static class EventClass
{
    /// <summary>Events never dropped nor coalesced, whatever their code.</summary>
    private static readonly string[] s_critical = ["start", "stop", "pressure", "kill", "victim_exited", "pardon_revoked"];

    /// <summary>Warning codes about a kill, or about the event pipeline losing events: as critical as a kill.</summary>
    private static readonly string[] s_criticalWarnings =
    [
        "no_candidate", "signal_failed", "victim_stuck", "events_dropped", "event_sink", "event_sink_recovered",
    ];

    /// <summary>Events whose repeats (same name, code, uid, scope within the window) are folded into one line.</summary>
    private static readonly string[] s_coalescible = ["pardon_denied", "warning"];

    /// <summary>The event names counted separately when dropped; anything else counts as "other".</summary>
    public static readonly string[] Kinds =
    [
        "start", "stop", "pressure", "kill", "victim_exited", "pardon_granted", "pardon_denied", "pardon_revoked",
        "pardon_released", "warning", "other",
    ];

    public static bool IsCritical(DaemonEvent e)
        => e.Critical ?? (Array.IndexOf(s_critical, e.Event) >= 0 ||
            (e.Event == "warning" && e.Code is not null && Array.IndexOf(s_criticalWarnings, e.Code) >= 0));

    public static bool IsCoalescible(DaemonEvent e) => Array.IndexOf(s_coalescible, e.Event) >= 0;

    /// <summary>The index of the event's kind in <see cref="Kinds"/>.</summary>
    public static int KindIndex(string name)
    {
        int i = Array.IndexOf(Kinds, name);
        return i >= 0 ? i : Kinds.Length - 1;
    }

    /// <summary>The journal's priority for the event (syslog levels: 3 err, 4 warning, 5 notice, 6 info).</summary>
    public static int Priority(DaemonEvent e) => e.Event switch
    {
        "kill" => 4,
        "warning" => e.Code is "signal_failed" or "victim_stuck" or "no_candidate" ? 3 : 4,
        "pressure" or "victim_exited" or "pardon_revoked" or "pardon_denied" => 5,
        _ => 6,
    };
}
