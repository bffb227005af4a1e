// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// The daemon's first promise: a process allocating as fast as it can is stopped before the kernel's memcg
/// OOM killer has to fire. Each trial runs a fresh daemon on a fresh 256 MiB cgroup and one memhog that
/// wants 1 GiB; the cgroup's own oom_kill counter must stay 0, and the daemon must kill once, the hog.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class FastHogTests
{
    private const int LimitMiB = 256;
    private const int Trials = 5;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public FastHogTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public void Daemon_HogAllocatingAtFullSpeed_IsKilledBeforeTheKernelOomKiller()
    {
        for (int trial = 0; trial < Trials; trial++)
        {
            var clock = Stopwatch.StartNew();
            RunTrial(trial);
            _output.WriteLine($"trial {trial}: passed in {clock.ElapsedMilliseconds} ms");
        }
    }

    private void RunTrial(int trial)
    {
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using var daemon = DaemonProcess.Start(cgroup, _output);
        CgroupProcess hog = cgroup.StartMemhog("--mib", "1024");

        daemon.WaitForEvent(e => EventsFile.Name(e) == "victim_exited", s_timeout, "victim_exited");
        Assert.True(hog.WaitForExit(TimeSpan.FromSeconds(10)), $"trial {trial}: the daemon reported the hog's exit, but it still runs; {hog.Describe()}");

        // Give a second, wrong kill the time to happen before looking.
        Thread.Sleep(500);
        long oomKills = cgroup.ReadOomKillCount();
        List<JsonElement> events = daemon.Stop();
        string context = $"trial {trial}: hog {hog.Pid}: {hog.Describe()}\n{daemon.Describe()}";

        Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s) in the cgroup\n{context}");
        List<JsonElement> kills = events.Named("kill");
        Assert.True(kills.Count == 1, $"expected exactly one kill event, got {kills.Count}\n{context}");
        JsonElement kill = kills[0];
        Assert.True(kill.Pid() == hog.Pid, $"the daemon killed {kill.Pid()}, not the hog\n{context}");
        Assert.True(!kill.Flag("dry_run") && !kill.Flag("escalated"), $"the kill must be a real, first signal\n{context}");

        List<JsonElement> exits = events.Named("victim_exited");
        Assert.True(exits.Count == 1 && exits[0].Pid() == hog.Pid, $"expected one victim_exited for {hog.Pid}\n{context}");

        // memhog does not handle SIGTERM, so it dies of the daemon's signal, whichever was sent.
        string? signal = kill.Text("signal");
        int expected = signal == "SIGKILL" ? 9 : 15;
        Assert.True(signal is "SIGTERM" or "SIGKILL", $"unexpected signal {signal}\n{context}");
        Assert.True(hog.Signal == expected, $"the hog was sent {signal} but {hog.Describe()}\n{context}");
        _output.WriteLine($"trial {trial}: {signal} at {kill.Long("available_kib")} KiB available (level {kill.Long("threshold_kib")} KiB); " +
            $"decision {kill.Double("decision_ms")} ms, exit {exits[0].Double("latency_ms")} ms after the crossing");
    }
}
