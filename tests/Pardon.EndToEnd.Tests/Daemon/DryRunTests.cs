// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// `--dry-run` decides and reports but signals no one: a hog that settles between the kill and terminate
/// levels gets a `kill` event marked dry_run — once for the shortage — and keeps running.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DryRunTests
{
    private const int LimitMiB = 256;

    // About 23 MiB available once it holds: below the terminate level (25.6 MiB), above the kill level (12.8 MiB).
    private const string HogMiB = "232";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public DryRunTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public void Daemon_DryRun_ReportsTheKillButSignalsNoOne()
    {
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using var daemon = DaemonProcess.Start(cgroup, _output, null, "--dry-run");
        JsonElement start = daemon.ReadEvents().Named("start")[0];
        Assert.True(start.Flag("dry_run"), $"the start event does not say dry run: {start.GetRawText()}");

        CgroupProcess hog = cgroup.StartMemhog("--mib", HogMiB);
        hog.WaitForReady(s_timeout);
        daemon.WaitForEvent(e => EventsFile.Name(e) == "kill", s_timeout, "the dry-run kill event");

        // Holding below the terminate level: a daemon that forgot --dry-run would have killed it by now.
        Thread.Sleep(TimeSpan.FromSeconds(2));
        long oomKills = cgroup.ReadOomKillCount();
        bool alive = !hog.HasExited;
        long availableKiB = ((cgroup.LimitBytes - cgroup.ReadUsageBytes()) >> 10);
        List<JsonElement> events = daemon.Stop();
        string context = $"hog {hog.Pid}: {hog.Describe()}; {availableKiB} KiB available at the end\n{daemon.Describe()}";

        Assert.True(alive, $"the hog died in a dry run\n{context}");
        Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s)\n{context}");
        List<JsonElement> kills = events.Named("kill");
        Assert.True(kills.Count == 1, $"a dry run decides once per shortage: expected one kill event, got {kills.Count}\n{context}");
        JsonElement kill = kills[0];
        Assert.True(kill.Flag("dry_run"), $"the kill event is not marked dry_run\n{context}");
        Assert.True(kill.Pid() == hog.Pid, $"the dry run chose {kill.Pid()}, not the hog\n{context}");
        Assert.True(kill.Text("level") == "term" && kill.Text("signal") == "SIGTERM", $"holding between the levels is a terminate-level shortage\n{context}");
        Assert.True(events.Named("victim_exited").Count == 0, $"nothing may exit in a dry run\n{context}");
    }
}
