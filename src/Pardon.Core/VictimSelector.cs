// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// Evaluates a scope's processes and picks two victims: the kernel's (exactly as select_bad_process()
/// would) and Pardon's. Pardon's order, the documented tie-break included:
///   1. tier: preferred, then ordinary, then protected (protected only when nothing else is left);
///   2. score: kernel badness + growth weight × pages gained within the growth window;
///   3. memory held (RSS + swap), larger first;
///   4. the younger process (later start time) — it has the least work to lose;
///   5. the higher pid.
/// Never chosen: the kernel's ineligible (pid 1, kernel threads, no mm, oom_score_adj -1000, vfork
/// children), Pardon itself, and pardoned processes.
/// </summary>
public sealed partial class VictimSelector
{
    private readonly SelectionPolicy _policy;
    private long[] _badness = new long[256];

    public VictimSelector(SelectionPolicy policy)
    {
        _policy = policy;
    }

    public SelectionPolicy Policy => _policy;

    /// <summary>
    /// Fills <paramref name="into"/>. <paramref name="processes"/> must be in the kernel's iteration order
    /// for the scope. <paramref name="nowMs"/> is on the boot clock, like the processes' start times.
    /// </summary>
    public void Rank(OomScope scope, ReadOnlySpan<ProcessFacts> processes, long nowMs, IPardonView? pardons, Ranking into, long clockTicksPerSecond = 100)
    {
        Span<Evaluation> items = into.Prepare(processes.Length);
        into.Scope = scope;
        into.NowMs = nowMs;
        if (_badness.Length < processes.Length)
        {
            _badness = new long[processes.Length * 2];
        }

        Span<long> badness = _badness.AsSpan(0, processes.Length);
        int best = -1;
        for (int i = 0; i < processes.Length; i++)
        {
            ProcessFacts p = processes[i];
            ref Evaluation e = ref items[i];
            e.Process = p;
            e.KernelIneligibility = KernelOom.GetIneligibility(p);
            e.KernelBadness = KernelOom.Badness(p, scope.TotalPages, scope.PageSize);
            badness[i] = e.KernelBadness;
            long systemBadness = scope.TotalPages == scope.SystemTotalPages ? e.KernelBadness : KernelOom.Badness(p, scope.SystemTotalPages, scope.PageSize);
            e.OomScore = KernelOom.OomScore(systemBadness, scope.SystemTotalPages);

            long ageMs = nowMs - (long)(p.StartTime * 1000UL / (ulong)clockTicksPerSecond);
            e.GrowthPages = _policy.GrowthWeight > 0 ? p.Growth.GrowthPages(nowMs, p.RssPages, _policy.GrowthWindowMs, ageMs) : 0;
            e.GrowthAgeMs = ageMs >= 0 && ageMs <= _policy.GrowthWindowMs ? ageMs : p.Growth.BaselineAgeMs(nowMs, _policy.GrowthWindowMs);
            e.GrowthBonus = (long)(e.GrowthPages * _policy.GrowthWeight);

            e.Tier = Tier.Normal;
            if (Match(_policy.Protect, p) is { } protect)
            {
                e.Tier = Tier.Protected;
                e.TierRule = protect;
            }
            else if (Match(_policy.Prefer, p) is { } prefer)
            {
                e.Tier = Tier.Preferred;
                e.TierRule = prefer;
            }

            e.Unit = KillUnit.Process;
            if (FirstWithUnit(p, e.TierRule) is { } unitRule)
            {
                e.Unit = unitRule.Unit!.Value;
                e.UnitRule = unitRule;
            }

            // Looked up for every process: a pardon the kernel honours too (oom_score_adj -1000, set by the
            // daemon where it may) makes the process kernel-ineligible, and it must still show as pardoned.
            e.Pardon = pardons?.Find(p);
            e.Exclusion = !e.KernelEligible ? Exclusion.KernelIneligible
                : p.Pid == _policy.SelfPid || (p.Pid == _policy.ObserverPid && p.Pid != 0) ? Exclusion.Self
                : e.Pardon is not null ? Exclusion.Pardoned
                : !scope.Contains(p) ? Exclusion.OutsideScope
                : Exclusion.None;
            e.Score = e.KernelEligible ? e.KernelBadness + e.GrowthBonus : KernelOom.Ineligible;

            if (e.Eligible && (best < 0 || Compare(in e, in items[best]) > 0))
            {
                best = i;
            }
        }

        into.KernelVictim = KernelOom.SelectVictim(badness);
        into.Victim = best;
        into.SetKernelVictimTies(badness, processes);
    }

    /// <summary>Pardon's order: positive when <paramref name="a"/> should die before <paramref name="b"/>.</summary>
    public static int Compare(in Evaluation a, in Evaluation b)
    {
        // Compared as ints: Enum.CompareTo(object) boxes both sides, and this runs for every candidate of every ranking.
        int c = ((int)a.Tier).CompareTo((int)b.Tier);
        if (c != 0)
        {
            return c;
        }

        c = a.Score.CompareTo(b.Score);
        if (c != 0)
        {
            return c;
        }

        c = (a.Process.RssPages + a.Process.SwapPages).CompareTo(b.Process.RssPages + b.Process.SwapPages);
        if (c != 0)
        {
            return c;
        }

        c = a.Process.StartTime.CompareTo(b.Process.StartTime);
        return c != 0 ? c : a.Process.Pid.CompareTo(b.Process.Pid);
    }

    private static ProcessRule? Match(IReadOnlyList<ProcessRule> rules, ProcessFacts p)
    {
        for (int i = 0; i < rules.Count; i++)
        {
            if (rules[i].Matches(p))
            {
                return rules[i];
            }
        }

        return null;
    }

    private ProcessRule? FirstWithUnit(ProcessFacts p, ProcessRule? tierRule)
    {
        // Precedence: the rule that set the tier, then the unit-only rules. A protect or prefer rule that
        // also matches but did not set the tier (a prefer rule on a protected process) has no say.
        if (tierRule?.Unit is not null)
        {
            return tierRule;
        }

        IReadOnlyList<ProcessRule> list = _policy.Units;
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Unit is not null && list[i].Matches(p))
            {
                return list[i];
            }
        }

        return null;
    }
}
