// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using System.Text.RegularExpressions;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// The events file of a run with one kill follows the interface contract (DESIGN.md, docs/events.md):
/// JSON lines, each with "ts" (RFC 3339, milliseconds, UTC) and "event"; `start` first and `stop` last;
/// a `kill` carrying every field the contract lists, with values that agree with the run.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class EventsContractTests
{
    private const int LimitMiB = 256;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public EventsContractTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex Rfc3339Milliseconds();

    [MemoryCgroupFact]
    public void EventsFile_RunWithOneKill_FollowsTheContract()
    {
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using var daemon = DaemonProcess.Start(cgroup, _output);
        CgroupProcess hog = cgroup.StartMemhog("--mib", "1024");
        daemon.WaitForEvent(e => EventsFile.Name(e) == "victim_exited", s_timeout, "victim_exited");
        Assert.True(hog.WaitForExit(TimeSpan.FromSeconds(10)), hog.Describe());
        List<JsonElement> events = daemon.Stop();
        List<string> lines = EventsFile.ReadLines(daemon.EventsPath);
        string context = daemon.Describe();

        Assert.True(lines.Count == events.Count, $"every line must be one JSON object\n{context}");
        foreach (JsonElement e in events)
        {
            string? ts = e.Text("ts");
            Assert.True(ts is not null && Rfc3339Milliseconds().IsMatch(ts), $"\"ts\" is not RFC 3339 UTC with milliseconds: {e.GetRawText()}");
            Assert.True(EventsFile.Name(e).Length > 0, $"an event without \"event\": {e.GetRawText()}");
            Assert.Contains(EventsFile.Name(e), (string[])["start", "pressure", "kill", "victim_exited", "pardon_granted", "pardon_denied", "pardon_revoked", "pardon_released", "warning", "reload", "stop"]);
        }

        Assert.True(EventsFile.Name(events[0]) == "start", $"the first event must be \"start\", not \"{EventsFile.Name(events[0])}\"\n{context}");
        Assert.True(EventsFile.Name(events[^1]) == "stop", $"the last event must be \"stop\"\n{context}");
        Assert.True(events.Named("start").Count == 1 && events.Named("stop").Count == 1, $"one start, one stop\n{context}");

        JsonElement start = events.Named("start")[0];
        Assert.True(start.Long("daemon_pid") == daemon.Pid, $"start: daemon_pid\n{context}");
        Assert.True(start.Long("total_kib") == LimitMiB * 1024L, $"start: total_kib must be the cgroup's limit\n{context}");
        Assert.True(start.Long("term_below_kib") == LimitMiB * 1024L / 10 && start.Long("kill_below_kib") == LimitMiB * 1024L / 20,
            $"start: the default levels are 10% and 5% of the limit\n{context}");

        List<JsonElement> kills = events.Named("kill");
        Assert.True(kills.Count >= 1, $"no kill\n{context}");
        JsonElement kill = kills[0];
        foreach (string field in (string[])["pid", "comm", "exe", "uid", "signal", "unit", "unit_pids", "score", "kernel_badness", "reason", "reasons",
            "available_kib", "threshold_kib", "level", "candidates", "kernel_victim", "decision_ms"])
        {
            Assert.True(kill.TryGetProperty(field, out JsonElement v) && v.ValueKind != JsonValueKind.Null, $"kill: \"{field}\" is missing\n{kill.GetRawText()}");
        }

        Assert.True(kill.Pid() == hog.Pid && kill.Text("comm") == "memhog" && kill.Text("exe") == Memhog.Path && kill.Long("uid") == 0,
            $"kill: identity of the victim\n{kill.GetRawText()}");
        Assert.True(kill.Text("unit") == "process" && kill.GetProperty("unit_pids").EnumerateArray().Select(p => p.GetInt32()).SequenceEqual([hog.Pid]),
            $"kill: the default unit is the process alone\n{kill.GetRawText()}");
        Assert.True(kill.Long("available_kib") <= kill.Long("threshold_kib") && kill.Long("threshold_kib") == LimitMiB * 1024L / 10,
            $"kill: the trigger's figures\n{kill.GetRawText()}");
        Assert.True(kill.Long("score") >= kill.Long("kernel_badness") && kill.Long("kernel_badness") > 0, $"kill: scores\n{kill.GetRawText()}");
        Assert.True(!kill.Flag("dry_run") && !kill.Flag("escalated"), $"kill: flags\n{kill.GetRawText()}");
        Assert.True(kill.Text("reason")!.Length > 0 && kill.GetProperty("reasons").GetArrayLength() > 0, $"kill: reasons\n{kill.GetRawText()}");
        JsonElement candidate = kill.GetProperty("candidates")[0];
        foreach (string field in (string[])["pid", "comm", "score", "kernel_badness", "rss_kib", "growth_kib", "tier", "reasons"])
        {
            Assert.True(candidate.TryGetProperty(field, out _), $"candidate: \"{field}\" is missing\n{kill.GetRawText()}");
        }

        Assert.True(candidate.GetProperty("pid").GetInt32() == hog.Pid, $"the victim heads the candidates\n{kill.GetRawText()}");

        JsonElement exited = events.Named("victim_exited")[0];
        Assert.True(exited.Pid() == hog.Pid && exited.Double("latency_ms") > 0 && exited.Double("teardown_ms") >= 0,
            $"victim_exited: pid, latency_ms, teardown_ms\n{exited.GetRawText()}");
        Assert.True(events.Named("pressure").Count == 1, $"one shortage, one pressure event\n{context}");
        int pressureAt = events.FindIndex(e => EventsFile.Name(e) == "pressure");
        int killAt = events.FindIndex(e => EventsFile.Name(e) == "kill");
        int exitedAt = events.FindIndex(e => EventsFile.Name(e) == "victim_exited");
        Assert.True(pressureAt < killAt && killAt < exitedAt, $"pressure, kill, victim_exited come in that order\n{context}");
    }
}
