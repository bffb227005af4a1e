// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Configuration;

/// <summary>Settings of the event pipeline and what consumes it: the journal, hooks, desktop notifications.</summary>
public sealed partial class PardonConfig
{
    /// <summary>Ordinary events that may wait to be written; more are dropped and counted (`events.queue`).</summary>
    public int EventsQueue { get; set; } = 1024;

    /// <summary>Repeats of an event within this window are folded into one line (`events.coalesce_window`; 0 turns it off).</summary>
    public TimeSpan EventsCoalesceWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Write native journal entries when stderr is the journal (`events.journal`: "auto" or "off").</summary>
    public bool EventsJournal { get; set; } = true;

    /// <summary>Commands run after each kill (`hooks.on_kill`).</summary>
    public List<HookCommand> HooksOnKill { get; set; } = [];

    /// <summary>Commands run when a level is crossed (`hooks.on_pressure`).</summary>
    public List<HookCommand> HooksOnPressure { get; set; } = [];

    /// <summary>Commands run on warnings (`hooks.on_warning`).</summary>
    public List<HookCommand> HooksOnWarning { get; set; } = [];

    /// <summary>A hook still running after this long is killed (`hooks.timeout`).</summary>
    public TimeSpan HooksTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Hooks that may run at once (`hooks.max_concurrent`).</summary>
    public int HooksMaxConcurrent { get; set; } = 2;

    /// <summary>Tell the victim's owner's desktop when Pardon stops a process (`notifications.enabled`).</summary>
    public bool NotificationsEnabled { get; set; } = true;

    /// <summary>Also warn desktops when memory reaches a level, before a victim is chosen (`notifications.warnings`).</summary>
    public bool NotificationsWarnings { get; set; }

    /// <summary>At most one notification per user per this interval; the ones in between are summed up (`notifications.min_interval`).</summary>
    public TimeSpan NotificationsMinInterval { get; set; } = TimeSpan.FromSeconds(10);
}
