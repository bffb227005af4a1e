// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// Growth beats size: a large process that has been stable for longer than the growth window survives,
/// while three smaller processes that are growing now push the cgroup to its limit — one of them dies.
/// The kernel, which sees size alone, would have killed the large one; the kill event says so.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GrowthTests
{
    private const int LimitMiB = 256;

    // With the default weight 3 a grower scores 4 × its size against the stable process's 1 × 96 MiB, so
    // growers of ~45 MiB each (their share of the room left) outrank it clearly, while the large one stays
    // the kernel's choice (highest badness).
    private const int LargeMiB = 96;
    private const int GrowerMiB = 80;
    private const string GrowerRate = "15";
    private const int WindowSeconds = 3;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public GrowthTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public void Daemon_StableLargeAndGrowingSmall_KillsAGrowerNotTheLargeOne()
    {
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using var daemon = DaemonProcess.Start(cgroup, _output, $$"""
            "growth": { "window": "{{WindowSeconds}}s" }
            """);
        CgroupProcess large = cgroup.StartMemhog("--mib", LargeMiB.ToString(CultureInfo.InvariantCulture));
        large.WaitForReady(s_timeout);

        // Older than the window, and both of the daemon's growth checkpoints (taken by its 1 s scans, moved
        // every half window) past the end of the allocation: its growth within the window is then zero.
        Thread.Sleep(TimeSpan.FromSeconds(2 * WindowSeconds));
        CgroupProcess[] growers =
        [
            .. Enumerable.Range(0, 3).Select(_ => cgroup.StartMemhog("--mib", GrowerMiB.ToString(CultureInfo.InvariantCulture), "--rate", GrowerRate)),
        ];

        // Done when every grower has either been killed or reached its target (the room left is then enough).
        var clock = Stopwatch.StartNew();
        while (!growers.All(g => g.HasExited || g.StandardOutput.Contains("ready " + g.Pid.ToString(CultureInfo.InvariantCulture))))
        {
            Assert.True(clock.Elapsed < s_timeout, $"the growers neither finished nor died within {s_timeout.TotalSeconds} s\n{daemon.Describe()}");
            Thread.Sleep(50);
        }

        Thread.Sleep(500);
        long oomKills = cgroup.ReadOomKillCount();
        bool largeAlive = !large.HasExited;
        List<JsonElement> events = daemon.Stop();
        string context = $"large {large.Pid}: {large.Describe()}\n" +
            string.Join("\n", growers.Select(g => $"grower {g.Pid}: {g.Describe()}")) + "\n" + daemon.Describe();

        Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s)\n{context}");
        Assert.True(largeAlive, $"the large, stable process died\n{context}");
        List<JsonElement> kills = events.Named("kill");
        Assert.True(kills.Count >= 1, $"no kill: the growers never pushed the cgroup to the terminate level\n{context}");
        HashSet<int> growerPids = [.. growers.Select(g => g.Pid)];
        foreach (JsonElement kill in kills)
        {
            Assert.True(growerPids.Contains(kill.Pid()), $"a kill chose {kill.Pid()}, not a grower: {kill.GetRawText()}\n{context}");
            Assert.True(kill.Long("kernel_victim") == large.Pid,
                $"the kernel would have killed the large process {large.Pid}, but the event says {kill.Long("kernel_victim")}\n{context}");
            Assert.True(kill.CandidatePids().Contains(large.Pid), $"the large process is missing from the candidates: {kill.GetRawText()}\n{context}");
            List<string> reasons = [.. kill.GetProperty("reasons").EnumerateArray().Select(r => r.GetString() ?? "")];
            Assert.True(reasons.Any(r => r.StartsWith("grew ", StringComparison.Ordinal)), $"the reasons do not mention growth: {string.Join(" | ", reasons)}\n{context}");
        }

        // Every grower that is gone was killed by the daemon, and the exits were reported.
        foreach (CgroupProcess g in growers.Where(g => g.HasExited))
        {
            Assert.True(kills.Any(k => k.Pid() == g.Pid) && g.Signal is 15 or 9, $"grower {g.Pid} ended without the daemon: {g.Describe()}\n{context}");
        }

        Assert.True(events.Named("victim_exited").Count == kills.Count(k => !k.Flag("escalated")), $"one victim_exited per victim\n{context}");
        _output.WriteLine($"{kills.Count} kill(s): {string.Join(", ", kills.Select(k => k.Pid()))}; the large process {large.Pid} survived");
    }
}
