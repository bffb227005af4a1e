// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Pardons;

/// <summary>
/// The pardon's first promise, on the real kernel: the largest process of a 256 MiB cgroup — an unprivileged
/// memhog (uid 65534) running an executable pardon.allow names — asks for its pardon and gets it; when another
/// process then grows until the daemon acts, the daemon kills that one, the pardoned process survives, and the
/// kernel's OOM killer never fires. `pardon rank` before the pardon is the control: the large one was the victim.
/// </summary>
[Collection(EndToEndCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class PardonSavesLargestTests
{
    private const int LimitMiB = 256;
    private const int LargeMiB = 140;
    private const int SmallMiB = 20;

    /// <summary>The grower's target: never reached (140 + 20 + 120 MiB is over the limit), the daemon stops it at about 65 MiB.</summary>
    private const int GrowerMiB = 120;
    private const int GrowerRateMiBPerS = 50;

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly ITestOutputHelper _output;

    public PardonSavesLargestTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task Request_LargestProcessPardoned_DaemonKillsAnotherAndItSurvives()
    {
        using var sandbox = PardonSandbox.Create(_output);
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);
        CgroupProcess large = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.AllowedMemhog, "--mib", Mib(LargeMiB));
        CgroupProcess small = cgroup.StartMemhog("--mib", Mib(SmallMiB));
        large.WaitForReady(s_timeout);
        small.WaitForReady(s_timeout);
        string context = $"large {large.Pid} (uid 65534, pardoned), small {small.Pid} (root)";

        // The control: unpardoned, the largest process is both the kernel's victim and Pardon's.
        JsonElement before = await sandbox.RankAsync(cgroup);
        Assert.True(PardonJson.Victim(before) == large.Pid && PardonJson.Victim(before, "kernel_victim") == large.Pid,
            $"before the pardon the large process must be the victim\n{context}\n{before}");
        Assert.False(PardonJson.Bool(PardonJson.Process(before, large.Pid), "pardoned"), before.ToString());

        PardonResult request = await sandbox.PardonAsync(PardonSandbox.User,
            "request", "--pid", large.Pid.ToString(CultureInfo.InvariantCulture), "--reason", "e2e: the largest");
        Assert.True(request.ExitCode == 0, $"uid 65534 pardoning its own allowed process must be granted\n{request}");
        Assert.Contains($"pardoned {large.Pid} (memhog) {sandbox.AllowedMemhog} by pardon.allow[0]", request.Stdout, StringComparison.Ordinal);

        JsonElement after = await sandbox.RankAsync(cgroup);
        JsonElement largeEntry = PardonJson.Process(after, large.Pid);
        Assert.True(PardonJson.Victim(after) == small.Pid, $"pardoned, the large process must no longer be Pardon's victim\n{context}\n{after}");
        Assert.True(PardonJson.Bool(largeEntry, "pardoned") && !PardonJson.Bool(largeEntry, "eligible"), after.ToString());
        Assert.Contains(PardonJson.Reasons(largeEntry), r => r.StartsWith(PardonJson.PardonedReason, StringComparison.Ordinal) && r.Contains("e2e: the largest", StringComparison.Ordinal));
        if (!PardonJson.KernelProtectExpected)
        {
            // Without CAP_SYS_RESOURCE the pardon binds Pardon only: the kernel would still choose the large one.
            Assert.True(PardonJson.Victim(after, "kernel_victim") == large.Pid, after.ToString());
        }

        // Now the pressure: a third process grows until the daemon acts.
        CgroupProcess grower = cgroup.StartMemhog("--mib", Mib(GrowerMiB), "--rate", Mib(GrowerRateMiBPerS));
        context += $", grower {grower.Pid} (root)";
        JsonElement exited = daemon.WaitForEvent(e => EventsFile.Name(e) == "victim_exited", s_timeout, "the victim's exit");
        Assert.True(exited.Pid() == grower.Pid, $"the daemon's victim was {exited.Pid()}, not the grower\n{context}\n{daemon.Describe()}");
        Assert.True(grower.WaitForExit(TimeSpan.FromSeconds(10)), $"the daemon reported the grower's exit, but it runs; {grower.Describe()}");

        // Give a second, wrong kill the time to happen before looking.
        Thread.Sleep(500);
        long oomKills = cgroup.ReadOomKillCount();
        bool largeAlive = !large.HasExited;
        bool smallAlive = !small.HasExited;
        List<JsonElement> events = daemon.Stop();
        context += $"\n{daemon.Describe()}";

        Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s) in the cgroup\n{context}");
        Assert.True(largeAlive, $"the pardoned process died: {large.Describe()}\n{context}");
        Assert.True(smallAlive, $"the small process died: {small.Describe()}\n{context}");
        Assert.True(grower.Signal is 15 or 9, $"the grower was not killed by the daemon's signal: {grower.Describe()}\n{context}");

        List<JsonElement> kills = events.Named("kill");
        Assert.True(kills.Count == 1 && kills[0].Pid() == grower.Pid, $"expected exactly one kill, of the grower\n{context}");
        JsonElement kill = kills[0];
        Assert.True(!kill.Flag("dry_run"), context);

        // Pardoned processes are not candidates at all (VictimSelector: Exclusion.Pardoned is not Eligible).
        List<int> candidates = kill.CandidatePids();
        Assert.True(!candidates.Contains(large.Pid), $"the pardoned process must not be among the kill's candidates\n{context}");
        Assert.True(candidates.Contains(grower.Pid) && candidates.Contains(small.Pid), $"the candidates must be the grower and the small one\n{context}");
        if (!PardonJson.KernelProtectExpected)
        {
            Assert.True(kill.Long("kernel_victim") == large.Pid, $"the kernel, which knows nothing of pardons, would have killed the large one\n{context}");
        }

        int granted = events.FindIndex(e => EventsFile.Name(e) == "pardon_granted" && e.Long("pid") == large.Pid);
        int killed = events.FindIndex(e => EventsFile.Name(e) == "kill");
        Assert.True(granted >= 0 && granted < killed, $"pardon_granted for {large.Pid} must come before the kill\n{context}");
        JsonElement grant = events[granted];
        Assert.True(grant.Long("uid") == PardonSandbox.User && grant.Long("requester_uid") == PardonSandbox.User &&
            grant.Text("rule") == "pardon.allow[0]" && grant.Text("exe") == sandbox.AllowedMemhog && grant.Long("max_rss_kib") == 200 * 1024,
            $"pardon_granted must name the process, its owner, the requester, the rule and the ceiling\n{context}");
        Assert.Empty(events.Named("pardon_revoked"));
        _output.WriteLine($"killed {grower.Pid} with {kill.Text("signal")} at {kill.Long("available_kib")} KiB available; candidates {string.Join(", ", candidates)}");
    }

    private static string Mib(int n) => n.ToString(CultureInfo.InvariantCulture);
}
