// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon.Events;

namespace Pardon.Daemon.Monitor;

public sealed partial class MonitorLoop
{
    /// <summary>The scope's pardoned processes, largest first (at most three), for a kill event's `spared`; null when none.</summary>
    internal static List<SparedReport>? Spared(Ranking ranking)
    {
        List<SparedReport>? spared = null;
        long kibPerPage = ranking.Scope.PageSize / 1024;
        foreach (ref readonly Evaluation e in ranking.Items)
        {
            if (e.Pardon is PardonGrant grant)
            {
                (spared ??= []).Add(new SparedReport
                {
                    Pid = e.Process.Pid,
                    Comm = e.Process.Comm,
                    Reason = "pardoned",
                    RssKiB = e.Process.RssPages * kibPerPage,
                    Rule = grant.Rule,
                });
            }
        }

        if (spared is { Count: > 1 })
        {
            spared.Sort((a, b) => (b.RssKiB ?? 0).CompareTo(a.RssKiB ?? 0));
            if (spared.Count > 3)
            {
                spared.RemoveRange(3, spared.Count - 3);
            }
        }

        return spared;
    }
}
