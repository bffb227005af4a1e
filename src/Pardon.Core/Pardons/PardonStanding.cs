// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>
/// Whether a pardon protects its process, judged from a scan rather than from what the pardon worker last
/// decided: the ranking that chooses a victim must not depend on how busy the worker (or the socket) is. A
/// pardon whose process holds more than its ceiling, or runs another executable than the one pardoned, does
/// not protect it in that ranking; the worker revokes it for good moments later. Pure, lock-free and
/// allocation-free: the victim selector calls it for every pardoned process of every ranking.
/// </summary>
public static class PardonStanding
{
    /// <summary>Judges <paramref name="grant"/> against <paramref name="process"/> as a scan saw it.</summary>
    /// <param name="grant">The pardon the view holds for the process (pid + start time).</param>
    /// <param name="process">The process, from the ranking's own scan.</param>
    /// <param name="pageSize">PAGE_SIZE: the scan counts pages, ceilings are in KiB.</param>
    public static PardonLapse Judge(PardonGrant grant, ProcessFacts process, long pageSize)
    {
        if (grant.MaxRssKiB > 0 && HeldKiB(grant, process, pageSize) > grant.MaxRssKiB)
        {
            return PardonLapse.OverCeiling;
        }

        // Unknown on either side (a process whose exe cannot be read by this caller) is not a change: the
        // worker, which can always read it, re-verifies every pardon by statx on each sweep.
        if (grant.ExeIdentity.IsKnown && process.ExeIdentity.IsKnown && grant.ExeIdentity != process.ExeIdentity)
        {
            return PardonLapse.ExeChanged;
        }

        return PardonLapse.None;
    }

    /// <summary>
    /// The memory the ceiling is compared with, as far as a scan can tell: RSS + swap from the scan, plus what
    /// the worker last measured outside them (<see cref="PardonGrant.OutsideRssKiB"/>).
    /// </summary>
    public static long HeldKiB(PardonGrant grant, ProcessFacts process, long pageSize)
        => ((process.RssPages + process.SwapPages) * (pageSize / 1024)) + Math.Max(0, grant.OutsideRssKiB);

    /// <summary>The words for a lapse, for rankings and explanations ("" for none).</summary>
    public static string Describe(PardonLapse lapse, PardonGrant grant, ProcessFacts process, long pageSize) => lapse switch
    {
        PardonLapse.OverCeiling => $"its pardon ({grant.Rule}) does not protect it: it holds {Units.FormatKiB(HeldKiB(grant, process, pageSize))}, above the {Units.FormatKiB(grant.MaxRssKiB)} ceiling",
        PardonLapse.ExeChanged => $"its pardon ({grant.Rule}) does not protect it: it runs another executable ({process.ExeIdentity}) than the one pardoned ({grant.ExeIdentity})",
        _ => "",
    };
}
