// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Containers;

namespace Pardon.Core;

/// <summary>
/// Evaluates a scope's processes and picks two victims: the kernel's (exactly as select_bad_process()
/// would) and Pardon's. Pardon's order, the documented tie-break included:
///   1. protected processes last (only when nothing else is left);
///   2. processes too small to matter (<see cref="SelectionPolicy.NegligibleShare"/>,
///      <see cref="SelectionPolicy.NegligibleBytes"/>) after every larger one: a victim should be able to
///      relieve a shortage, and a 3 MiB terminal multiplexer with a high oom_score_adj cannot;
///   3. tier: preferred, then ordinary;
///   4. Kubernetes QoS class (unless the policy turns it off): BestEffort, then Burstable, then processes in
///      no pod, then Guaranteed — the kubelet's order (see <see cref="KubernetesQos"/>);
///   5. score: kernel badness + growth weight × pages gained within the growth window;
///   6. memory held (RSS + swap), larger first;
///   7. the younger process (later start time) — it has the least work to lose;
///   8. the higher pid.
/// The kernel's victim is predicted exactly as the kernel chooses, without any of this.
/// Never chosen: the kernel's ineligible (pid 1, kernel threads, no mm, oom_score_adj -1000, vfork
/// children), Pardon itself, and pardoned processes — as long as the pardon holds in this very ranking: a
/// process above its pardon's ceiling, or running another executable than the one pardoned, is judged from
/// the ranking's own scan (<see cref="Pardons.PardonStanding"/>) and is an ordinary candidate, whatever the
/// pardon worker has or has not revoked yet.
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
        long negligiblePages = NegligiblePages(scope);
        bool anyLarge = false;
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

            e.Qos = KubernetesQos.Of(p.Container, p.OomScoreAdj, out e.QosFromAdj);
            e.QosRank = KubernetesQos.KillOrder(_policy.QosOrder ? e.Qos : QosClass.None);

            // Looked up for every process: a pardon the kernel honours too (oom_score_adj -1000, set by the
            // daemon where it may) makes the process kernel-ineligible, and it must still show as pardoned.
            e.Pardon = pardons?.Find(p);
            e.PardonLapse = e.Pardon is { } grant ? Pardons.PardonStanding.Judge(grant, p, scope.PageSize) : Pardons.PardonLapse.None;

            // A lapsed pardon's own -1000 (written by the daemon, restored by its worker shortly) must not hide
            // the process from Pardon: it is judged with the oom_score_adj it had before the pardon.
            bool ownImmunity = e.PardonLapse != Pardons.PardonLapse.None && e.Pardon!.KernelProtected &&
                e.KernelIneligibility == KernelIneligibility.OomScoreAdjMin && e.Pardon.PreviousOomScoreAdj is not null;
            e.Exclusion = !e.KernelEligible && !ownImmunity ? Exclusion.KernelIneligible
                : p.Pid == _policy.SelfPid || (p.Pid == _policy.ObserverPid && p.Pid != 0) ? Exclusion.Self
                : e.Spared ? Exclusion.Pardoned
                : !scope.Contains(p) ? Exclusion.OutsideScope
                : Exclusion.None;
            e.Score = e.KernelEligible ? e.KernelBadness + e.GrowthBonus
                : ownImmunity ? KernelOom.Badness(p.RssPages, p.SwapPages, p.PgTablesBytes, e.Pardon!.PreviousOomScoreAdj!.Value, scope.TotalPages, scope.PageSize) + e.GrowthBonus
                : KernelOom.Ineligible;
            e.Negligible = Footprint(p, scope.PageSize) < negligiblePages;
            anyLarge |= e.Eligible && !e.Negligible;

            if (e.Eligible && (best < 0 || Compare(in e, in items[best]) > 0))
            {
                best = i;
            }
        }

        if (!anyLarge)
        {
            // Nobody larger to choose instead: nobody was passed over for being small, and the flag (and
            // the explanation that goes with it) would only be noise. The order among them is unchanged.
            for (int i = 0; i < items.Length; i++)
            {
                items[i].Negligible = false;
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
        int c = (a.Tier != Tier.Protected).CompareTo(b.Tier != Tier.Protected);
        if (c != 0)
        {
            return c;
        }

        c = (!a.Negligible).CompareTo(!b.Negligible);
        if (c != 0)
        {
            return c;
        }

        c = ((int)a.Tier).CompareTo((int)b.Tier);
        if (c != 0)
        {
            return c;
        }

        c = a.QosRank.CompareTo(b.QosRank);
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

    /// <summary>
    /// Below this many pages held a candidate is too small to matter in <paramref name="scope"/>: less than
    /// <see cref="SelectionPolicy.NegligibleShare"/> of its total and less than <see cref="SelectionPolicy.NegligibleBytes"/>.
    /// </summary>
    public long NegligiblePages(OomScope scope)
        => scope.PageSize <= 0 ? 0 : Math.Min((long)(scope.TotalPages * _policy.NegligibleShare), _policy.NegligibleBytes / scope.PageSize);

    /// <summary>What killing the process frees, in pages: RSS, swap, page tables.</summary>
    public static long Footprint(ProcessFacts p, long pageSize)
        => p.RssPages + p.SwapPages + (pageSize > 0 ? p.PgTablesBytes / pageSize : 0);

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
