// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text;
using System.Text.Json;
using Pardon.Core;
using Pardon.Daemon;
using Pardon.EndToEnd.Tests.Infrastructure;
using Pardon.Linux;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests;

/// <summary>
/// Pardon's predicted /proc/PID/oom_score against the live kernel's: for every process of the machine,
/// and for one process walked page by page across the score's rounding boundaries, where a figure that
/// is off by a few pages shows.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KernelAgreementTests
{
    private const int MinimumCompared = 10;
    private readonly ITestOutputHelper _output;

    public KernelAgreementTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task RankAll_OomScore_EqualsTheKernelsForEveryProcessWhoseMemoryHeldStill()
    {
        // However quiet the machine, a dozen idle processes of assorted sizes and raised oom_score_adj
        // values (1 to 4 MiB: no memory pressure) are there to compare.
        var helpers = new List<CgroupProcess>();
        try
        {
            for (int i = 0; i < 12; i++)
            {
                helpers.Add(CgroupProcess.StartHere(Memhog.Path, Memhog.Args(1 + (i % 4), adj: i * 83)));
            }

            foreach (CgroupProcess h in helpers)
            {
                h.WaitForReady(TimeSpan.FromSeconds(10));
            }

            await CompareWholeMachineAsync(helpers.Select(h => h.Pid).ToHashSet());
        }
        finally
        {
            foreach (CgroupProcess h in helpers)
            {
                h.Kill();
                h.WaitForExit(TimeSpan.FromSeconds(10));
                h.Dispose();
            }
        }
    }

    private async Task CompareWholeMachineAsync(HashSet<int> helpers)
    {
        // Snapshot, run, read the kernel's scores, snapshot again: a process whose snapshots agree had the
        // same memory when Pardon read it and when the kernel computed its score.
        Dictionary<int, ProcMemorySnapshot> before = ProcMemorySnapshot.TakeAll();
        PardonResult rank = await PardonRunner.RunAsync(["rank", "--json", "--all"]);
        Assert.True(rank.ExitCode == 0, rank.ToString());

        using JsonDocument json = JsonDocument.Parse(rank.Stdout);
        var listed = new List<(int Pid, string Comm, long Predicted, long? Kernel, JsonElement Element)>();
        foreach (JsonElement p in json.RootElement.GetProperty("processes").EnumerateArray())
        {
            int pid = p.GetProperty("pid").GetInt32();
            listed.Add((pid, p.GetProperty("comm").GetString()!, p.GetProperty("oom_score").GetInt64(), ProcMemorySnapshot.TryReadOomScore(pid), p));
        }

        var after = listed.ToDictionary(l => l.Pid, l => ProcMemorySnapshot.TryTake(l.Pid));

        int compared = 0;
        int unstable = 0;
        int gone = 0;
        int kernelThreads = 0;
        var mismatches = new StringBuilder();
        foreach ((int pid, string comm, long predicted, long? kernel, JsonElement element) in listed)
        {
            ProcMemorySnapshot? first = before.GetValueOrDefault(pid);
            ProcMemorySnapshot? second = after[pid];
            if (kernel is null || first is null || second is null || first.StartTime != second.StartTime)
            {
                gone++;
                continue;
            }

            // Kernel threads and init score 0 in both, whatever else happens.
            bool globalInit = pid == 1 && IsInitialPidNamespace();
            if (first.IsKernelThread || globalInit)
            {
                kernelThreads += first.IsKernelThread ? 1 : 0;
                Assert.True(predicted == 0 && kernel == 0, $"{pid} ({comm}): a kernel thread or init must score 0; Pardon {predicted}, kernel {kernel}");
                Assert.False(element.GetProperty("eligible").GetBoolean(), $"{pid} ({comm}) is listed as eligible");
                continue;
            }

            if (first != second)
            {
                unstable++;
                continue;
            }

            compared++;
            helpers.Remove(pid);
            if (predicted != kernel)
            {
                mismatches.AppendLine(CultureInfo.InvariantCulture,
                    $"  {pid} ({comm}): Pardon {predicted}, kernel {kernel}; statm {first.Statm.Trim()}, {first.VmSwap}, {first.VmPte}, adj {first.OomScoreAdj.Trim()}; {element}");
            }
        }

        _output.WriteLine($"listed {listed.Count}: compared {compared}, memory moved {unstable}, exited {gone}, kernel threads {kernelThreads}");
        Assert.True(mismatches.Length == 0, "Pardon's oom_score differs from /proc/PID/oom_score:\n" + mismatches);
        Assert.True(compared >= MinimumCompared, $"only {compared} processes held still long enough to compare (need {MinimumCompared})");
        Assert.True(helpers.Count == 0, $"idle helpers not listed or not compared: {string.Join(", ", helpers)}");
        Assert.Contains(listed, l => l.Pid == Environment.ProcessId);
        if (IsInitialPidNamespace())
        {
            Assert.True(kernelThreads > 0, "--all listed no kernel thread");
            Assert.Contains(listed, l => l.Pid == 1);
        }
    }

    [MemoryCgroupFact]
    public void OomScore_AgreesWithTheKernel_PageByPageAcrossRoundingBoundaries()
    {
        // oom_score = (1000 + badness × 1000 / totalpages) × 2 / 3 moves one step about every 1.5 ‰ of
        // RAM + swap. A process grown a few pages at a time crosses several steps; at each, a prediction
        // built on counters that differ from the kernel's by even a few pages lands on the wrong side.
        using var cgroup = TestCgroup.Create(TestCgroup.MaxLimitBytes, _output);
        using var monitor = new ScopeMonitor(ResolvedScope.Create(cgroup.Path), SelectionPolicy.Default);
        long systemTotal = monitor.Scope.ComputeOomScope().SystemTotalPages;
        long pageSize = Environment.SystemPageSize;
        long quantum = systemTotal / 1000;
        long limitPages = (TestCgroup.MaxLimitBytes / pageSize) - (16L * 1024 * 1024 / pageSize);
        long targetPages = Math.Min(limitPages, (quantum * 9 / 2) + 512);
        const int Step = 8;

        CgroupProcess hog = cgroup.StartMemhog("--stdin-pages");
        hog.WaitForReady(TimeSpan.FromSeconds(10));

        int compared = 0;
        var scores = new SortedSet<long>();
        var mismatches = new List<string>();
        for (long touched = 0; touched < targetPages; touched += Step)
        {
            hog.Request(Step.ToString(CultureInfo.InvariantCulture), "pages ", TimeSpan.FromSeconds(10));
            long? kernelBefore = ProcMemorySnapshot.TryReadOomScore(hog.Pid);
            Ranking ranking = monitor.ScanAndRank(null);
            long? kernelAfter = ProcMemorySnapshot.TryReadOomScore(hog.Pid);
            Assert.True(ranking.Count == 1, $"the cgroup holds {ranking.Count} processes");
            Assert.True(kernelBefore is not null && kernelBefore == kernelAfter, $"the hog's oom_score moved while it was idle: {kernelBefore} then {kernelAfter}");

            compared++;
            long kernel = kernelBefore.Value;
            scores.Add(kernel);
            ref Evaluation e = ref ranking[0];
            if (e.OomScore != kernel && mismatches.Count < 20)
            {
                mismatches.Add(string.Create(CultureInfo.InvariantCulture,
                    $"  at {touched + Step} pages: Pardon {e.OomScore} (badness {e.KernelBadness}, rss {e.Process.RssPages}), kernel {kernel}; " +
                    $"stat rss {StatRss(hog.Pid)}, statm {File.ReadAllText($"/proc/{hog.Pid}/statm").Trim()}"));
            }
        }

        _output.WriteLine($"system totalpages {systemTotal}; walked {targetPages} pages in {compared} steps; kernel scores {string.Join(", ", scores)}");
        Assert.True(mismatches.Count == 0, $"Pardon's oom_score differs from the kernel's at {mismatches.Count}+ of {compared} sizes:\n" + string.Join('\n', mismatches));
        // oom_score steps at least every 2 × totalpages / 1000 pages, so the walk is sure to cross this many.
        long required = Math.Max(1, targetPages / ((2 * quantum) + 2));
        Assert.True(scores.Count - 1 >= required, $"the walk crossed {scores.Count - 1} score boundaries, fewer than the {required} it must cross");
    }

    [MemoryCgroupFact]
    public void RssCounter_TheSourceChosenAtStart_IsTheOneTheKernelReads()
    {
        // Walk a process a few pages at a time and stop at every size where the approximate (stat) and the
        // precise (status) rss predict different oom_score values: the kernel's own score says which it read.
        // Every such witness must agree with the counter Pardon chose for this kernel when it started.
        using var cgroup = TestCgroup.Create(TestCgroup.MaxLimitBytes, _output);
        (RssCounter chosen, string basis) = Pardon.Linux.Procfs.KernelRssCounterProbe.Current;
        long pageSize = Environment.SystemPageSize;
        CgroupProcess hog = cgroup.StartMemhog("--stdin-pages");
        hog.WaitForReady(TimeSpan.FromSeconds(10));
        long systemTotal;
        using (var monitor = new ScopeMonitor(ResolvedScope.Create(cgroup.Path), SelectionPolicy.Default))
        {
            systemTotal = monitor.Scope.ComputeOomScope().SystemTotalPages;
        }

        var choice = new RssCounterChoice();
        int witnesses = 0;
        long touched = 0;
        long limitPages = (TestCgroup.MaxLimitBytes / pageSize) - (32L * 1024 * 1024 / pageSize);
        while (witnesses < 5 && touched < limitPages)
        {
            hog.Request("7", "pages ", TimeSpan.FromSeconds(10));
            touched += 7;
            string approximateBefore = StatRss(hog.Pid);
            ProcMemorySnapshot? first = ProcMemorySnapshot.TryTake(hog.Pid);
            long? score = ProcMemorySnapshot.TryReadOomScore(hog.Pid);
            ProcMemorySnapshot? second = ProcMemorySnapshot.TryTake(hog.Pid);
            string approximateAfter = StatRss(hog.Pid);
            long approximate = long.Parse(approximateAfter, CultureInfo.InvariantCulture);
            if (first is null || second is null || score is null || first != second || approximateBefore != approximateAfter)
            {
                continue;
            }

            string[] status = File.ReadAllLines($"/proc/{hog.Pid}/status");
            long Kib(string key) => long.Parse(status.Single(l => l.StartsWith(key + ":", StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            long precise = (Kib("RssAnon") + Kib("RssFile") + Kib("RssShmem")) / (pageSize / 1024);
            if (choice.Observe(approximate, precise, Kib("VmSwap") / (pageSize / 1024), Kib("VmPTE") * 1024, 0, systemTotal, pageSize, score.Value))
            {
                witnesses++;
            }
        }

        _output.WriteLine($"chosen at start: {chosen} ({basis}); witnesses over {touched} pages: approximate {choice.ApproximateVotes}, precise {choice.PreciseVotes}");
        Assert.True(witnesses >= 1, $"no size in {touched} pages told the two counters apart");
        Assert.True(chosen == RssCounter.Precise ? choice.ApproximateVotes == 0 : choice.PreciseVotes == 0,
            $"the kernel read the other counter: approximate {choice.ApproximateVotes}, precise {choice.PreciseVotes}; chosen {chosen} ({basis})");
    }

    /// <summary>Field 24 of /proc/PID/stat: get_mm_rss() as the kernel's approximate counters have it.</summary>
    private static string StatRss(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[24 - 3];
    }

    /// <summary>In the initial pid namespace pid 2 is kthreadd, a kernel thread; in a container it is not.</summary>
    private static bool IsInitialPidNamespace() => ProcMemorySnapshot.TryTake(2)?.IsKernelThread == true;
}
