// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// A victim that ignores SIGTERM gets SIGKILL when `kill.grace` ends, even though memory never reaches the
/// kill level by itself; meanwhile the daemon waits for it and chooses no one else, though the shortage
/// persists (a small bystander shares the cgroup and survives).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class EscalationTests
{
    private const int LimitMiB = 256;
    private const double GraceMs = 1000;

    // Hog + bystander leave about 22 MiB: between the kill level (12.8 MiB) and the terminate level (25.6 MiB).
    private const string HogMiB = "224";
    private const string BystanderMiB = "8";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public EscalationTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public void Daemon_VictimIgnoringSigterm_GetsSigkillWhenTheGraceEnds()
    {
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using var daemon = DaemonProcess.Start(cgroup, _output, """
            "kill": { "grace": "1s" }
            """);
        CgroupProcess bystander = cgroup.StartMemhog("--mib", BystanderMiB);
        bystander.WaitForReady(s_timeout);
        CgroupProcess hog = cgroup.StartMemhog("--mib", HogMiB, "--ignore-term");

        daemon.WaitForEvent(e => EventsFile.Name(e) == "victim_exited", s_timeout, "victim_exited");
        Assert.True(hog.WaitForExit(TimeSpan.FromSeconds(10)), $"the hog still runs after victim_exited; {hog.Describe()}");
        Thread.Sleep(500);
        long oomKills = cgroup.ReadOomKillCount();
        bool bystanderAlive = !bystander.HasExited;
        List<JsonElement> events = daemon.Stop();
        string context = $"hog {hog.Pid}: {hog.Describe()}\nbystander {bystander.Pid}: {bystander.Describe()}\n{daemon.Describe()}";

        Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s)\n{context}");
        Assert.True(bystanderAlive, $"the bystander died: one victim at a time\n{context}");
        Assert.True(hog.KilledBySigkill, $"the hog must end by SIGKILL\n{context}");
        Assert.True(hog.StandardOutput.Contains("ready " + hog.Pid.ToString(CultureInfo.InvariantCulture)),
            $"the hog never reached its size: it was to hold between the levels until the grace ended\n{context}");

        List<JsonElement> kills = events.Named("kill");
        Assert.True(kills.Count == 2, $"expected SIGTERM then the escalated SIGKILL, got {kills.Count} kill event(s)\n{context}");
        Assert.True(kills.All(k => k.Pid() == hog.Pid), $"both kill events must be the hog's\n{context}");
        Assert.True(kills[0].Text("signal") == "SIGTERM" && !kills[0].Flag("escalated") && kills[0].Text("level") == "term",
            $"the first kill must be a terminate-level SIGTERM\n{context}");
        Assert.True(kills[1].Text("signal") == "SIGKILL" && kills[1].Flag("escalated"), $"the second kill must be the escalated SIGKILL\n{context}");

        List<JsonElement> exits = events.Named("victim_exited");
        Assert.True(exits.Count == 1 && exits[0].Pid() == hog.Pid && exits[0].Flag("escalated"), $"expected one victim_exited, escalated, for the hog\n{context}");

        // The daemon's own measure from the SIGTERM to the exit, and the same from the events' timestamps.
        double teardownMs = exits[0].Double("teardown_ms") ?? -1;
        double stampedMs = (Timestamp(exits[0]) - Timestamp(kills[0])).TotalMilliseconds;
        _output.WriteLine($"exit {teardownMs} ms after SIGTERM (timestamps: {stampedMs} ms); grace {GraceMs} ms");
        Assert.True(teardownMs >= GraceMs - 10 && teardownMs < GraceMs + 1500,
            $"the hog exited {teardownMs} ms after SIGTERM; expected SIGKILL when the {GraceMs} ms grace ended\n{context}");
        Assert.True(stampedMs >= GraceMs - 50 && stampedMs < GraceMs + 1500, $"the events are {stampedMs} ms apart\n{context}");
    }

    private static DateTimeOffset Timestamp(JsonElement e) =>
        DateTimeOffset.Parse(e.Text("ts")!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
