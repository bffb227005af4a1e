// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests;

/// <summary>
/// `pardon rank --cgroup DIR` names the process the kernel's memcg OOM killer will kill, and then the
/// kernel really kills that one. Each trial fills a 256 MiB cgroup with 3 to 5 hogs of different sizes
/// and raised oom_score_adj values, chosen so that the adjustment — not size alone — decides, takes the
/// prediction, then pushes the cgroup over its limit with a small trigger process.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KernelVictimPredictionTests
{
    private const int LimitMiB = 256;
    private const int DefaultTrials = 8;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public KernelVictimPredictionTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task RankCgroup_KernelVictim_IsTheProcessTheKernelKills()
    {
        int seed = Environment.GetEnvironmentVariable("PARDON_E2E_SEED") is string s
            ? int.Parse(s, CultureInfo.InvariantCulture)
            : Random.Shared.Next(1, 1_000_000);
        int trials = Environment.GetEnvironmentVariable("PARDON_E2E_TRIALS") is string t ? int.Parse(t, CultureInfo.InvariantCulture) : DefaultTrials;
        _output.WriteLine($"seed {seed} (rerun with PARDON_E2E_SEED={seed}), {trials} trials (PARDON_E2E_TRIALS)");
        long pageSize = Environment.SystemPageSize;
        for (int trial = 0; trial < trials; trial++)
        {
            var clock = Stopwatch.StartNew();
            HogPlan[] plan = VictimScenario.Plan(new Random(seed + trial), LimitMiB, pageSize);
            _output.WriteLine($"trial {trial}: {string.Join(", ", plan.Select(h => h.ToString()))}");
            await RunTrialAsync(trial, seed, plan, pageSize);
            _output.WriteLine($"trial {trial}: passed in {clock.ElapsedMilliseconds} ms");
        }
    }

    private async Task RunTrialAsync(int trial, int seed, HogPlan[] plan, long pageSize)
    {
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        // Everyone on one CPU, the trigger under SCHED_IDLE: once the kernel has chosen, the victim (woken by
        // SIGKILL) preempts the trigger and finishes exiting before the trigger charges another page. Otherwise
        // the trigger's charge can land in the instant where the dying victim is already skipped (MMF_OOM_SKIP)
        // but its last pages are not yet uncharged, and the kernel kills a second process.
        string cpu = OneAllowedCpu().ToString(CultureInfo.InvariantCulture);
        var hogs = new List<(HogPlan Plan, CgroupProcess Process)>();
        foreach (HogPlan h in plan)
        {
            hogs.Add((h, cgroup.StartMemhog(Memhog.Args(h.Mib, h.Adj, "--cpu", cpu))));
        }

        foreach ((_, CgroupProcess p) in hogs)
        {
            p.WaitForReady(s_timeout);
        }

        PardonResult rank = await PardonRunner.RunAsync(["rank", "--cgroup", cgroup.Path, "--json"]);
        string context = $"seed {seed}, trial {trial}: {string.Join(", ", hogs.Select(h => $"{h.Process.Pid}={h.Plan}"))}\n{rank}";
        Assert.True(rank.ExitCode == 0, context);

        using JsonDocument json = JsonDocument.Parse(rank.Stdout);
        JsonElement root = json.RootElement;
        Assert.Equal("cgroup", root.GetProperty("scope").GetProperty("kind").GetString());
        Assert.True(root.GetProperty("scope").GetProperty("total_pages").GetInt64() == ((long)LimitMiB << 20) / pageSize,
            "totalpages of the memcg OOM must be the limit in pages\n" + context);
        var listed = root.GetProperty("processes").EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()).Order().ToArray();
        Assert.True(listed.SequenceEqual(hogs.Select(h => h.Process.Pid).Order()), "rank --cgroup must list exactly the hogs\n" + context);

        int predicted = root.GetProperty("kernel_victim").GetInt32();
        int designed = hogs.Single(h => h.Plan.Victim).Process.Pid;
        Assert.True(predicted == designed, $"Pardon predicts {predicted}, the scenario was built for {designed} to die\n{context}");

        // Push the cgroup over its limit: the trigger needs the room left plus 8 MiB, so it stops short of a
        // second OOM once the victim's memory is back, and it is small when the kernel chooses.
        long roomMiB = Math.Max(1, (cgroup.LimitBytes - cgroup.ReadUsageBytes()) >> 20);
        long killsBefore = cgroup.ReadOomKillCount();
        Assert.True(roomMiB + 4 < plan.Min(h => h.BadnessPages) * pageSize >> 20,
            $"the hogs left {roomMiB} MiB free: the trigger could outscore a hog\n{context}");
        CgroupProcess trigger = cgroup.StartMemhog("--mib", (roomMiB + 8).ToString(CultureInfo.InvariantCulture), "--step-mib", "1", "--cpu", cpu, "--sched-idle");

        var clock = Stopwatch.StartNew();
        while (cgroup.ReadOomKillCount() == killsBefore)
        {
            Assert.True(clock.Elapsed < s_timeout, $"no OOM kill within {s_timeout.TotalSeconds} s; trigger: {trigger.Describe()}\n{context}");
            await Task.Delay(10);
        }

        // Someone died: wait for the death to be seen, then for the trigger to finish its allocation (had
        // a second OOM come, it would have come by then).
        CgroupProcess[] all = [.. hogs.Select(h => h.Process), trigger];
        while (!all.Any(p => p.HasExited) && clock.Elapsed < s_timeout)
        {
            await Task.Delay(10);
        }

        try
        {
            trigger.WaitForReady(s_timeout);
        }
        catch (TimeoutException)
        {
            // The trigger died or hangs: the assertions below say which, with the whole picture.
        }

        long kills = cgroup.ReadOomKillCount() - killsBefore;
        string outcome = Outcome(hogs, trigger);
        CgroupProcess[] dead = hogs.Select(h => h.Process).Where(p => p.HasExited).ToArray();
        CgroupProcess? victim = hogs.Select(h => h.Process).SingleOrDefault(p => p.Pid == predicted);
        if (kills == 1)
        {
            Assert.True(!trigger.HasExited && dead.Length == 1 && dead[0].KilledBySigkill && dead[0].Pid == predicted,
                $"predicted {predicted}; {outcome}\n{context}\n{KernelLog.Tail(60)}");
            return;
        }

        // More than one kill: the kernel raced with itself after its first choice (see above). That first
        // choice is the one made on the state Pardon ranked; the kernel's log says which it was.
        List<int>? order = KernelLog.KilledInOrder([.. all.Select(p => p.Pid)]);
        Assert.True(kills > 1 && order is not null && order.Count == kills && order[0] == predicted && victim?.KilledBySigkill == true,
            $"predicted {predicted}; the kernel killed {kills} times, in this order: {(order is null ? "(log unreadable)" : string.Join(", ", order))}\n" +
            $"{outcome}\n{context}\n{KernelLog.Tail(60)}");
        _output.WriteLine($"trial {trial}: the kernel killed {kills} times ({string.Join(", ", order!)}); its first victim was the predicted one");
    }

    /// <summary>The lowest CPU this process may run on.</summary>
    private static int OneAllowedCpu()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        long mask = (long)Process.GetCurrentProcess().ProcessorAffinity;
        return mask == 0 ? 0 : System.Numerics.BitOperations.TrailingZeroCount(mask);
    }

    private static string Outcome(List<(HogPlan Plan, CgroupProcess Process)> hogs, CgroupProcess trigger)
    {
        var sb = new StringBuilder();
        foreach ((HogPlan plan, CgroupProcess p) in hogs)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  hog {p.Pid} {plan}: {p.Describe()}");
        }

        sb.Append(CultureInfo.InvariantCulture, $"  trigger {trigger.Pid}: {trigger.Describe()}");
        return sb.ToString();
    }
}
