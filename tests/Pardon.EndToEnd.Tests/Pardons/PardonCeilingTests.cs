// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Pardons;

/// <summary>
/// A pardon is not a licence to eat the machine: a process pardoned under a 48 MiB ceiling (pardon.allow[0].max_rss)
/// that grows to 150 MiB is revoked at the daemon's next scan (`pardon_revoked`, code over_ceiling), leaves
/// `pardon list`, and is from then on an ordinary candidate — when another process brings the cgroup to the
/// daemon's level, the revoked one, now the largest, is the victim.
/// </summary>
[Collection(EndToEndCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class PardonCeilingTests
{
    private const int LimitMiB = 256;
    private const int CeilingMiB = 48;
    private const int StartMiB = 20;
    private const int GrowMiB = 130;

    /// <summary>The trigger's target: 150 + 100 MiB is beyond the daemon's level (90% of 256 MiB), which it reaches at about 75 MiB.</summary>
    private const int TriggerMiB = 100;
    private const int TriggerRateMiBPerS = 50;

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly ITestOutputHelper _output;

    public PardonCeilingTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task Pardon_ProcessGrowsPastItsCeiling_IsRevokedAndThenCanBeTheVictim()
    {
        using var sandbox = PardonSandbox.Create(_output, maxRss: $"{CeilingMiB}MiB");
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);
        CgroupProcess hog = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.AllowedMemhog, "--mib", Number(StartMiB), "--stdin-pages");
        hog.WaitForReady(s_timeout);

        PardonResult request = await sandbox.PardonAsync(PardonSandbox.User, "request", "--pid", Number(hog.Pid));
        Assert.True(request.ExitCode == 0, request.ToString());
        Assert.Contains($"ceiling {CeilingMiB} MiB", request.Stdout, StringComparison.Ordinal);
        JsonElement? pardon = PardonJson.Pardon(await sandbox.ListAsync(), hog.Pid);
        Assert.True(pardon?.GetProperty("max_rss_kib").GetInt64() == CeilingMiB * 1024L, $"the pardon's ceiling is the rule's max_rss\n{pardon}");

        // Grow past the ceiling, page by page.
        long pages = ((long)GrowMiB << 20) / Environment.SystemPageSize;
        hog.Request(Number(pages), "pages ", s_timeout);
        JsonElement revoked = daemon.WaitForEvent("pardon_revoked", hog.Pid, TimeSpan.FromSeconds(20));
        string context = $"hog {hog.Pid}\n{revoked}";
        Assert.True(revoked.Text("code") == "over_ceiling", $"the revocation's code must be over_ceiling\n{context}");
        Assert.True(revoked.Long("max_rss_kib") == CeilingMiB * 1024L && revoked.Long("rss_kib") > CeilingMiB * 1024L,
            $"the event gives the ceiling and the memory above it\n{context}");
        Assert.Contains($"above its {CeilingMiB} MiB ceiling (pardon.allow[0])", revoked.Text("message") ?? "", StringComparison.Ordinal);

        JsonElement list = await sandbox.ListAsync();
        Assert.True(PardonJson.Pardon(list, hog.Pid) is null, $"a revoked pardon must leave pardon list\n{list}");
        JsonElement rank = await sandbox.RankAsync(cgroup);
        Assert.False(PardonJson.Bool(PardonJson.Process(rank, hog.Pid), "pardoned"), rank.ToString());
        Assert.True(PardonJson.Victim(rank) == hog.Pid, $"revoked, the largest process is the victim again\n{rank}");

        // The pressure: a smaller process grows until the daemon acts.
        CgroupProcess trigger = cgroup.StartMemhog("--mib", Number(TriggerMiB), "--rate", Number(TriggerRateMiBPerS));
        JsonElement exited = daemon.WaitForEvent(e => EventsFile.Name(e) == "victim_exited", s_timeout, "the victim's exit");
        context = $"hog {hog.Pid} (revoked), trigger {trigger.Pid}";
        Assert.True(exited.Pid() == hog.Pid, $"the victim was {exited.Pid()}, not the revoked hog\n{context}\n{daemon.Describe()}");
        Assert.True(hog.WaitForExit(TimeSpan.FromSeconds(10)), $"the daemon reported the hog's exit, but it runs; {hog.Describe()}");
        trigger.WaitForReady(s_timeout);
        Thread.Sleep(500);
        long oomKills = cgroup.ReadOomKillCount();
        bool triggerAlive = !trigger.HasExited;
        List<JsonElement> events = daemon.Stop();
        context += $"\n{daemon.Describe()}";

        Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s) in the cgroup\n{context}");
        Assert.True(triggerAlive, $"the trigger died: {trigger.Describe()}\n{context}");
        Assert.True(hog.Signal is 15 or 9, $"the revoked hog was not killed by the daemon's signal: {hog.Describe()}\n{context}");
        List<JsonElement> kills = events.Named("kill");
        Assert.True(kills.Count == 1 && kills[0].Pid() == hog.Pid, $"expected exactly one kill, of the revoked hog\n{context}");
        Assert.DoesNotContain(kills[0].GetProperty("reasons").EnumerateArray(), r => (r.GetString() ?? "").StartsWith("pardoned", StringComparison.Ordinal));

        int granted = events.FindIndex(e => EventsFile.Name(e) == "pardon_granted" && e.Long("pid") == hog.Pid);
        int revokedAt = events.FindIndex(e => EventsFile.Name(e) == "pardon_revoked" && e.Long("pid") == hog.Pid);
        int killed = events.FindIndex(e => EventsFile.Name(e) == "kill");
        Assert.True(granted >= 0 && granted < revokedAt && revokedAt < killed, $"granted, revoked, then killed\n{context}");
        Assert.True(events.Named("pardon_revoked").Count == 1, context);
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
