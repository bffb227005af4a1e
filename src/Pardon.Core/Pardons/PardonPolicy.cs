// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core.Pardons;

/// <summary>
/// Decides a pardon request. Pure: the daemon gathers the facts (who asks, according to the kernel; what
/// the target runs, by device and inode) and this decides, so every rule is testable as a table.
/// <list type="number">
/// <item>pid 1, kernel threads and the daemon itself are never pardoned: nothing ever chooses them.</item>
/// <item>root, with pardon.root_may_pardon_any, may pardon any process (ceiling: pardon.default_max_rss).</item>
/// <item>anyone else only their own processes (same real uid) whose verified executable is one a
/// pardon.allow rule names (same device and inode), within the rule's users, max_ttl, and ceiling, and
/// at most pardon.max_per_user at once.</item>
/// </list>
/// A pardon always starts under its ceiling and is revoked when it outgrows it: a pardon can spare a
/// screen locker, never a process eating the machine.
/// </summary>
public static class PardonPolicy
{
    /// <summary>The rule name of pardons granted by root's privilege.</summary>
    public const string RootRule = "root";

    private const int MaxRulesListed = 4;

    public static PardonDecision Decide(PardonQuery query, PardonPolicySettings settings)
    {
        PardonTarget target = query.Target;
        if (target.Pid <= 0)
        {
            return PardonDecision.Deny(PardonCodes.BadRequest, $"bad request: {target.Pid} is not a process id");
        }

        if (query.RequestedTtlMs is long asked && asked <= 0)
        {
            return PardonDecision.Deny(PardonCodes.BadRequest, "bad request: a ttl must be positive (e.g. \"30m\")");
        }

        if (NeverPardoned(target, settings) is string why)
        {
            return PardonDecision.Deny(PardonCodes.NotPermitted, why);
        }

        if (query.CallerUid == 0 && settings.RootMayPardonAny)
        {
            return CheckCeiling(target, settings.DefaultMaxRssKiB, "pardon.default_max_rss")
                ?? PardonDecision.Grant(RootRule, settings.DefaultMaxRssKiB, query.RequestedTtlMs, query.NowUnixMs);
        }

        if (target.Uid != query.CallerUid)
        {
            return PardonDecision.Deny(PardonCodes.NotOwner,
                $"denied: process {Name(target)} belongs to uid {target.Uid}, you are uid {query.CallerUid}; " +
                (query.CallerUid == 0
                    ? "pardon.root_may_pardon_any is false, so root too may pardon only its own processes"
                    : "only its owner (or root) may pardon a process"));
        }

        if (!target.ExeIdentity.IsKnown)
        {
            return PardonDecision.Deny(PardonCodes.ExeNotAllowed,
                $"denied: the executable of process {Name(target)} could not be verified (/proc/{target.Pid}/exe is unreadable); " +
                "pardon.allow matches a verified device and inode");
        }

        PardonAllowRule? rule = null;
        PardonAllowRule? otherUsers = null;
        foreach (PardonAllowRule r in settings.Allow)
        {
            if (!r.Identity.IsKnown || r.Identity != target.ExeIdentity)
            {
                continue;
            }

            if (r.Users.Count == 0 || r.Users.Contains(query.CallerUid))
            {
                rule = r;
                break;
            }

            otherUsers ??= r;
        }

        if (rule is null)
        {
            return otherUsers is not null
                ? PardonDecision.Deny(PardonCodes.UserNotAllowed,
                    $"denied: {otherUsers.Name} allows {otherUsers.Exe} only for {string.Join(", ", otherUsers.UserNames)}; you are uid {query.CallerUid}")
                : PardonDecision.Deny(PardonCodes.ExeNotAllowed, DescribeNotAllowed(target, settings.Allow));
        }

        long? ttl = query.RequestedTtlMs;
        if (rule.MaxTtlMs is long max)
        {
            if (ttl is long t && t > max)
            {
                return PardonDecision.Deny(PardonCodes.TtlTooLong,
                    $"denied: a ttl of {FormatMs(t)} is longer than the max_ttl of {rule.Name} ({rule.Exe}): {FormatMs(max)}; ask for {FormatMs(max)} or less");
            }

            // A rule with max_ttl only grants bounded pardons: no TTL asked means the longest allowed.
            ttl ??= max;
        }

        if (query.HeldByCaller >= settings.MaxPerUser)
        {
            return PardonDecision.Deny(PardonCodes.TooMany, settings.MaxPerUser == 0
                ? "denied: pardon.max_per_user is 0, so only root may hold pardons"
                : $"denied: uid {query.CallerUid} already holds {query.HeldByCaller} pardon{(query.HeldByCaller == 1 ? "" : "s")}, " +
                  $"the most pardon.max_per_user allows ({settings.MaxPerUser}); release one first (`pardon list` shows them)");
        }

        long ceiling = rule.MaxRssKiB ?? settings.DefaultMaxRssKiB;
        return CheckCeiling(target, ceiling, rule.MaxRssKiB is null ? "pardon.default_max_rss" : rule.Name + ".max_rss")
            ?? PardonDecision.Grant(rule.Name, ceiling, ttl, query.NowUnixMs);
    }

    /// <summary>"device 254:1 inode 1234" (the device as major:minor), or "missing" for an unresolved path.</summary>
    public static string DescribeIdentity(FileIdentity identity) => identity.Describe();

    private static string? NeverPardoned(PardonTarget target, PardonPolicySettings settings)
    {
        if (target.Pid == 1)
        {
            return $"denied: process {Name(target)} is init; neither the kernel nor Pardon ever kills it, so it needs no pardon";
        }

        if (target.IsKernelThread)
        {
            return $"denied: process {Name(target)} is a kernel thread; OOM killers never choose kernel threads, so it needs no pardon";
        }

        if (target.Pid == settings.DaemonPid)
        {
            return $"denied: process {Name(target)} is the Pardon daemon itself, which never chooses itself";
        }

        return null;
    }

    private static PardonDecision? CheckCeiling(PardonTarget target, long ceilingKiB, string source)
        => ceilingKiB > 0 && target.UsedKiB > ceilingKiB
            ? PardonDecision.Deny(PardonCodes.OverCeiling,
                $"denied: process {Name(target)} uses {Units.FormatKiB(target.UsedKiB)} (RSS + swap), above the " +
                $"{Units.FormatKiB(ceilingKiB)} ceiling set by {source}; a pardon must start under its ceiling")
            : null;

    private static string DescribeNotAllowed(PardonTarget target, IReadOnlyList<PardonAllowRule> rules)
    {
        string exe = target.Exe ?? $"the executable of process {target.Pid}";
        if (rules.Count == 0)
        {
            return $"denied: {exe} is not an allowed executable; pardon.allow is empty, so only root may grant pardons " +
                $"(an administrator can add {{ \"exe\": \"{exe}\" }} to pardon.allow)";
        }

        // The same path under another identity: the file was replaced after the process started, or
        // the process runs a deleted file. Say so; "not allowed" alone would look like a bug.
        foreach (PardonAllowRule r in rules)
        {
            if (target.Exe is string path && (path == r.Exe || path == r.Exe + " (deleted)"))
            {
                return $"denied: {path} ({DescribeIdentity(target.ExeIdentity)}) is not the file {r.Name} allows: " +
                    $"{r.Exe} is now {DescribeIdentity(r.Identity)}; the file was replaced (an upgrade?) after the process started — restart it";
            }
        }

        var listed = new List<string>();
        for (int i = 0; i < rules.Count && i < MaxRulesListed; i++)
        {
            listed.Add($"{rules[i].Exe} ({DescribeIdentity(rules[i].Identity)})");
        }

        string more = rules.Count > MaxRulesListed ? $" and {rules.Count - MaxRulesListed} more" : "";
        return $"denied: {exe} ({DescribeIdentity(target.ExeIdentity)}) is not an allowed executable; pardon.allow lists " +
            $"{string.Join(", ", listed)}{more} — a copy or renamed file does not match";
    }

    private static string Name(PardonTarget target)
        => target.Comm.Length > 0 ? $"{target.Pid} ({target.Comm})" : target.Pid.ToString(CultureInfo.InvariantCulture);

    private static string FormatMs(long ms) => Sizes.FormatDuration(TimeSpan.FromMilliseconds(ms));
}
