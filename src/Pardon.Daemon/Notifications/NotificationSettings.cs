// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Daemon.Configuration;

namespace Pardon.Daemon.Notifications;

/// <summary>When and how desktops are told.</summary>
public sealed record NotificationSettings
{
    public bool Enabled { get; init; } = true;

    /// <summary>Also on `pressure` events (memory reached a level), before a victim is chosen.</summary>
    public bool Warnings { get; init; }

    /// <summary>At most one notification per user per interval; later ones are folded into the next.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one Notify call may take (connect, authenticate, call).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Events that may wait for the notifier's thread; more are dropped.</summary>
    public int QueueLimit { get; init; } = 64;

    public static NotificationSettings From(PardonConfig c) => new()
    {
        Enabled = c.NotificationsEnabled,
        Warnings = c.NotificationsWarnings,
        MinInterval = c.NotificationsMinInterval,
    };
}
