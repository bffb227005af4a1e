// This file is part of Pardon, a userspace OOM killer for Linux.

using CsCheck;
using Pardon.Core.Tests.Model;

namespace Pardon.Core.Tests;

/// <summary>
/// Property-based checks (CsCheck) of Pardon's kernel arithmetic against <see cref="KernelModel"/>, a reference
/// written straight from mm/oom_kill.c, mm/memcontrol.c and fs/proc/base.c: badness, oom_score, eligibility,
/// totalpages, the victim and its ties, and which memcg's OOM strikes first.
/// </summary>
public sealed class KernelModelPropertyTests
{
    private const long PageSize = 4096;

    // Ineligibility comes in often enough to matter: flag 0 global init, 1 kernel thread, 2 no mm, 3 vfork.
    private static readonly Gen<ModelTask> GenTask =
        Gen.Select(Gen.Long[0, 8_000_000], Gen.Long[0, 200_000], Gen.Long[0, 1L << 26], Gen.Int[-1010, 1000], Gen.Int[0, 24], Gen.Int[1, 4_000_000])
            .Select(t => new ModelTask(
                t.Item6, t.Item1, t.Item2, t.Item3, (short)Math.Max(-1000, t.Item4),
                GlobalInit: t.Item5 == 0, KernelThread: t.Item5 == 1, HasMm: t.Item5 != 2, InVfork: t.Item5 == 3));

    private static readonly Gen<long> GenTotalPages = Gen.OneOf(Gen.Long[1, 2000], Gen.Long[2000, 1L << 24], Gen.Long[1L << 24, 1L << 40]);

    [Fact]
    public void Badness_OomScore_AndEligibility_MatchTheModel()
    {
        Gen.Select(GenTask, GenTotalPages).Sample((task, total) =>
        {
            ProcessFacts facts = task.ToFacts();
            long expected = KernelModel.OomBadness(task, (ulong)total, PageSize);
            long actual = KernelOom.Badness(facts, total, PageSize);
            Assert.Equal(expected, actual);
            Assert.Equal(expected == long.MinValue, KernelOom.GetIneligibility(facts) != KernelIneligibility.None);
            Assert.Equal(KernelModel.ProcOomScore(expected, (ulong)total), KernelOom.OomScore(actual, total));
        }, iter: 20_000);
    }

    [Fact]
    public void TotalPages_V1AndV2_MatchMemCgroupGetMax()
    {
        Gen.Select(Gen.Long[0, 1L << 30], Gen.Long[0, 1L << 30], Gen.Int[0, 200], Gen.Long[0, 1L << 24]).Sample((limit, extra, swappiness, swap) =>
        {
            long memsw = Math.Min(limit + extra, TotalPages.PageCounterMax(PageSize));
            Assert.Equal((long)KernelModel.MemcgTotalPagesV1((ulong)limit, (ulong)memsw, swappiness, (ulong)swap),
                TotalPages.ForCgroupV1(limit, memsw, swappiness, swap));
            Assert.Equal((long)KernelModel.MemcgTotalPagesV2((ulong)limit, (ulong)extra, swappiness, (ulong)swap),
                TotalPages.ForCgroupV2(limit, extra, swappiness, swap));
        }, iter: 20_000);
    }

    [Fact]
    public void Victim_IsTheModelsLastHighest_AndEveryOrderTheKernelMightHaveLandsInTheTieSet()
    {
        // Badness from a narrow range so ties are common; buckets non-decreasing (their order is known), or
        // none at all (the order is known exactly, as on cgroup v2).
        Gen<(long Badness, int BucketStep)[]> genList = Gen.Select(Gen.Long[-3, 6], Gen.Int[0, 2]).Array[1, 14];
        Gen.Select(genList, Gen.Bool, Gen.Int).Sample((items, bucketed, seed) =>
        {
            var processes = new ProcessFacts[items.Length];
            var badness = new long[items.Length];
            long bucket = 0;
            for (int i = 0; i < items.Length; i++)
            {
                bucket += items[i].BucketStep == 0 ? 1 : 0;
                badness[i] = items[i].Badness == -3 ? long.MinValue : items[i].Badness;
                processes[i] = new ProcessFacts { Pid = 100 + i, OrderBucket = bucketed ? bucket : null };
            }

            int victim = KernelOom.SelectVictim(badness);
            Assert.Equal(KernelModel.SelectBadProcess(badness), victim);
            var possible = new HashSet<int>();
            if (victim >= 0)
            {
                possible.Add(victim);
                Span<int> ties = new int[items.Length];
                int n = KernelOom.TiesWithVictim(badness, processes, victim, ties);
                foreach (int t in ties[..n])
                {
                    possible.Add(t);
                }
            }

            // Every order the kernel might really have (any permutation within each bucket) gives a victim in
            // the set, and each member of the set is the victim of one such order (itself last in its bucket).
            var random = new Random(seed);
            for (int trial = 0; trial < 8; trial++)
            {
                int[] order = PermuteWithinBuckets(processes, random);
                int v = KernelModel.SelectBadProcess([.. order.Select(i => badness[i])]);
                Assert.True(v < 0 ? victim < 0 : possible.Contains(order[v]), $"the kernel's order {string.Join(",", order)} kills {(v < 0 ? -1 : order[v])}, outside {{{string.Join(",", possible)}}}");
            }

            foreach (int member in possible)
            {
                int[] order = [.. Enumerable.Range(0, items.Length).OrderBy(i => processes[i].OrderBucket ?? i).ThenBy(i => i == member ? 1 : 0)];
                Assert.Equal(member, order[KernelModel.SelectBadProcess([.. order.Select(i => badness[i])])]);
            }
        }, iter: 5_000);
    }

    [Fact]
    public void ReclaimBeforeTheOom_NeverTakesTheVictimOutsideTheTiesAndCloseCalls()
    {
        // Reclaim runs before the kernel selects and may unmap any number of each process's mapped file pages.
        // Whatever it takes, and in whatever order the kernel meets tied processes, its victim is the predicted
        // one, a tie, or a close call.
        Gen<(long Anon, long File, int Adj, int BucketStep)[]> genList = Gen.Select(Gen.Long[0, 400], Gen.Long[0, 60], Gen.Int[0, 2], Gen.Int[0, 2]).Array[1, 12];
        Gen.Select(genList, Gen.Bool, Gen.Int).Sample((items, bucketed, seed) =>
        {
            const long Total = 20_000;   // totalpages: 20 pages per oom_score_adj point
            var processes = new ProcessFacts[items.Length];
            long bucket = 0;
            for (int i = 0; i < items.Length; i++)
            {
                bucket += items[i].BucketStep == 0 ? 1 : 0;
                processes[i] = new ProcessFacts
                {
                    Pid = 100 + i, HasMm = true, RssAnonPages = items[i].Anon, RssFilePages = items[i].File,
                    OomScoreAdj = (short)(items[i].Adj * 10), OrderBucket = bucketed ? bucket : null,
                };
            }

            var ranking = new Ranking();
            new VictimSelector(SelectionPolicy.Default).Rank(new OomScope(ScopeKind.System, null, Total, Total, PageSize), processes, 10_000_000, null, ranking);
            var possible = new HashSet<int>([ranking.KernelVictim, .. ranking.KernelVictimTies.ToArray(), .. ranking.KernelVictimCloseCalls.ToArray()]);
            var random = new Random(seed);
            for (int trial = 0; trial < 8; trial++)
            {
                int[] order = PermuteWithinBuckets(processes, random);
                long[] points = [.. order.Select(i => KernelModel.OomBadness(
                    new ModelTask(100 + i, items[i].Anon + items[i].File - random.NextInt64(0, items[i].File + 1), 0, 0, (short)(items[i].Adj * 10)), Total, PageSize))];
                int v = KernelModel.SelectBadProcess(points);
                Assert.True(possible.Contains(order[v]), $"after reclaim the kernel kills {order[v]}, outside {{{string.Join(",", possible)}}}");
            }
        }, iter: 5_000);
    }

    [Fact]
    public void OomingLevel_IsTheCounterThatFailsFirstWhenChargingPageByPage()
    {
        // Up to four levels (the scope, then ancestors), each usage ≥ the one below it (a parent is charged for
        // its children), limits in pages, some unlimited, v1 memsw limits now and then.
        Gen<(long? Limit, long Own, long? MemswExtra)> genLevel = Gen.Select(Gen.Int[0, 5], Gen.Long[0, 400], Gen.Long[0, 300], Gen.Int[0, 4], Gen.Long[0, 200])
            .Select(t => (t.Item1 == 0 ? (long?)null : t.Item2 + 50 + t.Item3, t.Item3, t.Item4 == 0 ? (long?)t.Item5 : null));
        genLevel.Array[1, 4].Sample(spec =>
        {
            var model = new List<(long? Limit, long Usage, long? MemswLimit, long MemswUsage)>();
            var levels = new List<CgroupLevel>();
            long usage = 0;
            for (int i = 0; i < spec.Length; i++)
            {
                usage += spec[i].Own;
                long? limit = spec[i].Limit is long l ? Math.Max(l, usage) : null;
                long? memsw = spec[i].MemswExtra is long e ? (limit ?? usage + 400) + e : null;
                model.Add((limit, usage, memsw, usage));
                levels.Add(new CgroupLevel($"/l{i}", limit is long lb ? lb * PageSize : long.MaxValue, usage * PageSize, 0,
                    memsw is long mb ? mb * PageSize : long.MaxValue, usage * PageSize));
            }

            int expected = KernelModel.FirstToFail(model, 5_000);
            Assert.Equal(expected, CgroupMemoryMath.SelectOomingLevel([.. levels]));
        }, iter: 5_000);
    }

    private static int[] PermuteWithinBuckets(ProcessFacts[] processes, Random random)
    {
        var order = new List<int>();
        foreach (IGrouping<long, int> group in Enumerable.Range(0, processes.Length).GroupBy(i => processes[i].OrderBucket ?? -1 - i).OrderBy(g => g.Min()))
        {
            order.AddRange(group.OrderBy(_ => random.Next()));
        }

        return [.. order];
    }
}
