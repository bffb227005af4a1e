// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Core;
using Pardon.Daemon.Events;

namespace Pardon.Daemon.Notifications;

/// <summary>What one org.freedesktop.Notifications.Notify call says (pure: made from an event, sent elsewhere).</summary>
public sealed record DesktopNotification(string Summary, string Body, byte Urgency)
{
    /// <summary>Urgency hint values of the Desktop Notifications Specification: 0 low, 1 normal, 2 critical.</summary>
    public const byte Normal = 1;

    public const byte Critical = 2;

    /// <summary>
    /// The notification for a kill — what was stopped, how much memory it held, why, which pardoned processes
    /// were spared — or for a pressure event (a warning before acting); null for anything else.
    /// <paramref name="more"/> is how many further events the rate limit folded into this one.
    /// </summary>
    public static DesktopNotification? From(DaemonEvent e, long more = 0)
    {
        string extra = more > 0 ? string.Create(CultureInfo.InvariantCulture, $"\n({more} more like this since the last notification.)") : "";
        switch (e.Event)
        {
            case "kill":
                string held = e.RssKiB is long rss ? $", which held {Units.FormatKiB(rss)} of memory" : "";
                string unit = e.UnitPids is { Count: > 1 } pids ? string.Create(CultureInfo.InvariantCulture, $" (with {pids.Count - 1} other process(es) of its {e.Unit})") : "";
                string why = e.AvailableKiB is long avail && e.TotalKiB is long total
                    ? $"Memory was nearly exhausted: {Units.FormatKiB(avail)} of {Units.FormatKiB(total)} available{(e.Scope is string s && s != "system" ? $" in {s}" : "")}."
                    : "Memory was nearly exhausted.";
                List<SparedReport> pardoned = e.Spared is { } sp ? sp.FindAll(p => p.Rule is not null) : [];
                string spared = pardoned.Count > 0
                    ? "\nSpared by a pardon: " + string.Join(", ", pardoned.Select(p => $"{p.Comm} ({p.Pid}, {Units.FormatKiB(p.RssKiB ?? 0)})")) + "."
                    : "";
                string verb = e.Escalated == true ? "killed" : e.Signal == "SIGKILL" ? "killed" : "stopped";
                return new DesktopNotification(
                    $"Pardon {verb} {e.Comm} ({e.Pid})",
                    $"{e.Comm} ({e.Pid}){unit} was sent {e.Signal}{held}. {why}{spared}{extra}",
                    Critical);
            case "pressure":
                string level = e.AvailableKiB is long a && e.TotalKiB is long t
                    ? $"{Units.FormatKiB(a)} of {Units.FormatKiB(t)} available"
                    : "almost none available";
                return new DesktopNotification(
                    "Memory is running out",
                    $"Memory is low ({level}{(e.Scope is string sc && sc != "system" ? $" in {sc}" : "")}). Pardon will stop the process it judges responsible to keep the system responsive.{extra}",
                    Normal);
            default:
                return null;
        }
    }
}
