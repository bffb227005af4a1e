// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Pardons;

/// <summary>
/// The kill path must never depend on the socket's traffic (issue 7). A process pardoned under a 48 MiB
/// ceiling grows past it, towards the cgroup's limit, while another user floods the socket with requests
/// (denied ones: the hog is not theirs). The daemon must judge the ceiling from its own fresh scan: the
/// over-ceiling hog is the victim, the innocent 40 MiB process lives, and the kernel's OOM killer never
/// fires. Repeated: the old daemon, which skipped the ceiling sweep while a request held its lock, killed
/// the innocent process in about half the runs.
/// </summary>
[Collection(EndToEndCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class PardonFloodTests
{
    private const int LimitMiB = 256;
    private const int CeilingMiB = 48;
    private const int InnocentMiB = 40;
    private const int HogStartMiB = 20;

    /// <summary>Far past the ceiling and, with the innocent, past the daemon's level (90% of 256 MiB).</summary>
    private const int HogGrowMiB = 200;

    private const int Trials = 3;

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly ITestOutputHelper _output;

    public PardonFloodTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task FloodDuringCeilingRevocation_TheOverCeilingHogDies_TheInnocentLives()
    {
        for (int trial = 1; trial <= Trials; trial++)
        {
            await RunTrialAsync(trial);
        }
    }

    private async Task RunTrialAsync(int trial)
    {
        using var sandbox = PardonSandbox.Create(_output, maxRss: $"{CeilingMiB}MiB");
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);
        CgroupProcess innocent = cgroup.StartMemhog("--mib", Number(InnocentMiB));
        innocent.WaitForReady(s_timeout);
        CgroupProcess hog = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.AllowedMemhog, "--mib", Number(HogStartMiB), "--stdin-pages");
        hog.WaitForReady(s_timeout);
        PardonResult request = await sandbox.PardonAsync(PardonSandbox.User, "request", "--pid", Number(hog.Pid));
        Assert.True(request.ExitCode == 0, $"trial {trial}: {request}");

        // Another user hammers the socket with requests for the hog (each denied: not theirs).
        string line = $$"""{"op":"request","pid":{{hog.Pid}}}""";
        using CgroupProcess flood = sandbox.StartPclient(PardonSandbox.OtherUser, "flood", "32", "60", line);
        try
        {
            Thread.Sleep(1000);
            Assert.False(flood.HasExited, $"trial {trial}: the flood ended early: {flood.Describe()}");

            // The hog outgrows its ceiling and heads for the cgroup's limit at full speed: past its ceiling and
            // at the daemon's level within one scan interval, so the kill path itself must judge the ceiling.
            var clock = Stopwatch.StartNew();
            hog.Send(Number(((long)HogGrowMiB << 20) / Environment.SystemPageSize));
            JsonElement exited = daemon.WaitForEvent(e => EventsFile.Name(e) == "victim_exited", s_timeout, "the victim's exit");
            _output.WriteLine($"trial {trial}: hog {hog.Pid} fed; the victim's exit seen {clock.ElapsedMilliseconds} ms later");
            string context = $"trial {trial}: hog {hog.Pid} (pardoned, {CeilingMiB} MiB ceiling), innocent {innocent.Pid}";
            Assert.True(exited.Pid() == hog.Pid, $"the victim was {exited.Pid()}, not the over-ceiling hog\n{context}\n{daemon.Describe()}");
            Assert.True(hog.WaitForExit(TimeSpan.FromSeconds(10)), $"the daemon reported the hog's exit, but it runs; {hog.Describe()}");
            Thread.Sleep(500);
            long oomKills = cgroup.ReadOomKillCount();
            bool innocentAlive = !innocent.HasExited;
            _output.WriteLine($"trial {trial}: flood: {string.Join(" | ", flood.StandardOutput)}");
            flood.Kill();
            flood.WaitForExit(TimeSpan.FromSeconds(5));
            List<JsonElement> events = daemon.Stop();
            context += $"\n{daemon.Describe()}";
            Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s) in the cgroup\n{context}");
            Assert.True(innocentAlive, $"the innocent process died: {innocent.Describe()}\n{context}");
            List<JsonElement> kills = events.Named("kill");
            Assert.True(kills.Count == 1 && kills[0].Pid() == hog.Pid, $"expected exactly one kill, of the hog\n{context}");
        }
        finally
        {
            flood.Kill();
            flood.WaitForExit(TimeSpan.FromSeconds(5));
        }
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
