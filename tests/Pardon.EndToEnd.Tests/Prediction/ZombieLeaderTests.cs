// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Prediction;

/// <summary>
/// A process whose main thread has exited while another thread runs: the kernel scores it through the live
/// thread (find_lock_task_mm()) and kills it. Pardon scores it exactly, shows it, and its daemon stops it when it
/// grows — not a bystander. About 10 s.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ZombieLeaderTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public ZombieLeaderTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task RankAndExplain_ZombieLeader_ScoredExactlyAsTheKernel_AndTheKernelsVictim()
    {
        using var cgroup = TestCgroup.Create(256L << 20, _output);
        CgroupProcess small = cgroup.StartMemhog("--mib", "20");
        CgroupProcess zombie = cgroup.StartMemhog("--mib", "64", "--zombie-leader");
        small.WaitForReady(s_timeout);
        zombie.WaitForReady(s_timeout);
        Assert.StartsWith("Z", File.ReadAllLines($"/proc/{zombie.Pid}/status").Single(l => l.StartsWith("State:", StringComparison.Ordinal))[6..].Trim(), StringComparison.Ordinal);

        string before = File.ReadAllText($"/proc/{zombie.Pid}/oom_score").Trim();
        PardonResult rank = await PardonRunner.RunAsync(["rank", "--cgroup", cgroup.Path, "--json", "--forecast-interval", "0"]);
        string after = File.ReadAllText($"/proc/{zombie.Pid}/oom_score").Trim();
        Assert.True(rank.ExitCode == 0, rank.ToString());
        Assert.True(before == after && long.Parse(before, CultureInfo.InvariantCulture) > 0, $"the kernel's score moved or is 0: {before}, {after}");

        using JsonDocument json = JsonDocument.Parse(rank.Stdout);
        JsonElement p = json.RootElement.GetProperty("processes").EnumerateArray().Single(x => x.GetProperty("pid").GetInt32() == zombie.Pid);
        string context = $"zombie leader {zombie.Pid}, kernel oom_score {before}\n{rank}";
        Assert.True(p.GetProperty("oom_score").GetInt64() == long.Parse(before, CultureInfo.InvariantCulture), "oom_score as the kernel's\n" + context);
        Assert.True(p.GetProperty("eligible").GetBoolean() && p.GetProperty("kernel_eligible").GetBoolean(), context);
        Assert.True(p.GetProperty("mm_thread").GetInt32() > zombie.Pid, "read through its live thread\n" + context);
        Assert.True(p.GetProperty("rss_kib").GetInt64() > 60 * 1024, context);
        Assert.True(json.RootElement.GetProperty("kernel_victim").GetInt32() == zombie.Pid, context);
        Assert.True(json.RootElement.GetProperty("victim").GetInt32() == zombie.Pid, context);

        PardonResult explain = await PardonRunner.RunAsync(["explain", zombie.Pid.ToString(CultureInfo.InvariantCulture), "--cgroup", cgroup.Path]);
        Assert.True(explain.ExitCode == 0 && explain.Stdout.Contains("main thread exited", StringComparison.Ordinal), explain.ToString());
    }

    [MemoryCgroupFact]
    public void Daemon_ZombieLeaderGrower_IsStopped_NotTheBystander()
    {
        using var cgroup = TestCgroup.Create(256L << 20, _output);
        using var daemon = DaemonProcess.Start(cgroup, _output, """
            "kill": { "grace": "1s" }
            """);
        CgroupProcess bystander = cgroup.StartMemhog("--mib", "40");
        bystander.WaitForReady(s_timeout);
        CgroupProcess grower = cgroup.StartMemhog("--mib", "0", "--rate", "40", "--zombie-leader");

        var clock = Stopwatch.StartNew();
        while (!grower.HasExited && clock.Elapsed < s_timeout)
        {
            Thread.Sleep(50);
        }

        Thread.Sleep(300);
        long oomKills = cgroup.ReadOomKillCount();
        List<JsonElement> events = daemon.Stop();
        string context = $"grower {grower.Pid}: {grower.Describe()}\nbystander {bystander.Pid}: {bystander.Describe()}\n{daemon.Describe()}";
        Assert.True(grower.HasExited, "the grower was never stopped\n" + context);
        Assert.True(!bystander.HasExited, "the bystander died\n" + context);
        Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s)\n{context}");
        List<JsonElement> kills = events.Named("kill");
        Assert.True(kills.Count >= 1 && kills.All(k => k.Pid() == grower.Pid), "the daemon killed the grower, and only it\n" + context);
        _output.WriteLine($"the daemon stopped the zombie-leader grower {grower.Pid} ({grower.Describe()}); the bystander lives");
    }
}
