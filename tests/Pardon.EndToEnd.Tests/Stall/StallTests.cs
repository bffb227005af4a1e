// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Stall;

/// <summary>
/// Memory stalls (PSI) on the real kernel: a thrasher cycles a working set larger than its cgroup's limit —
/// through a swap file, or through its mapped executable pages without swap — next to a stable bystander. The
/// cgroup freezes (the test measures it from the v2 twin's memory.pressure) while its available memory and
/// swap look fine, so only the stall criterion can end it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StallTests
{
    // The issue's own measurement: 400 MiB touched in a loop inside 256 MiB, with a 1 GiB swap file.
    private const int LimitMiB = 256;
    private const int SwapMiB = 1024;
    private const int WorkingSetMiB = 400;
    private const int BystanderMiB = 32;
    private readonly ITestOutputHelper _output;

    public StallTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>
    /// The scenario is real: with the criterion off, the daemon (levels only) leaves the thrasher alone and the
    /// cgroup stays stalled — well over the default criterion's 10 % "full" over the 8 s after the thrash got going
    /// (15–25 % here once swap has filled, as the issue measured). (~15 s)
    /// </summary>
    [MemoryCgroupFact]
    public void CriterionOff_TheStallPersists_AndNothingIsKilled()
    {
        using StallScene scene = StallScene.Create(LimitMiB, SwapMiB, _output);
        using var daemon = DaemonProcess.Start(scene.Cgroup, _output, null, "--stall-above", "off");
        CgroupProcess bystander = scene.StartBystander(BystanderMiB);
        CgroupProcess thrasher = scene.StartThrasher("--mib", WorkingSetMiB.ToString(CultureInfo.InvariantCulture));

        DateTimeOffset began = WaitForStall(scene, thrasher, TimeSpan.FromSeconds(20));
        SleepUntil(began.AddSeconds(10));
        double share = scene.Probe.FullPercent(began.AddSeconds(2), began.AddSeconds(10));
        long oomKills = scene.Cgroup.ReadOomKillCount();
        List<JsonElement> events = daemon.Stop();
        string context = Context(scene, daemon.Describe(), thrasher, bystander);

        Assert.True(share > 12, $"the thrash stalled the cgroup only {share:0} % of 8 s: not the freeze this test needs\n{context}");
        Assert.False(thrasher.HasExited, $"the thrasher died\n{context}");
        Assert.False(bystander.HasExited, $"the bystander died\n{context}");
        Assert.Empty(events.Named("kill"));
        Assert.True(oomKills == 0, $"the kernel's OOM killer fired\n{context}");
        _output.WriteLine($"stalled {share:0} % \"full\" over 8 s with the criterion off; nothing killed");
    }

    /// <summary>
    /// The defaults (10 % "full" over 10 s): the thrasher — not the bystander — gets SIGKILL within the window
    /// plus a few seconds of the stall's start, the stall ends, the kernel never fires, and the kill event names
    /// the stall and the culprit's figures. (~20 s)
    /// </summary>
    [MemoryCgroupFact]
    public void SwapThrash_TheThrasherIsKilledWithinTheWindow()
    {
        using StallScene scene = StallScene.Create(LimitMiB, SwapMiB, _output);
        using var daemon = DaemonProcess.Start(scene.Cgroup, _output);
        CgroupProcess bystander = scene.StartBystander(BystanderMiB);
        CgroupProcess thrasher = scene.StartThrasher("--mib", WorkingSetMiB.ToString(CultureInfo.InvariantCulture));
        AssertStallKill(scene, daemon, thrasher, bystander, windowSeconds: 10, expectSwap: true);
    }

    /// <summary>
    /// Without swap: a program's own mapped code (160 MiB of a file mapped executable, read at random) does not
    /// fit a 128 MiB cgroup, so its pages are evicted and read back without end. Killed within the window. (~15 s)
    /// </summary>
    [MemoryCgroupFact]
    public void FileThrash_WithoutSwap_TheThrasherIsKilledWithinTheWindow()
    {
        string data = Path.Combine("/var/tmp", $"pardon-e2e-data-{Environment.ProcessId}");
        try
        {
            // Written here, in the test's own cgroup: the thrasher in the test cgroup then only reads it.
            using (CgroupProcess prepare = CgroupProcess.StartHere(Thrasher.Path, "--mib", "160", "--file", data, "--prepare"))
            {
                Assert.True(prepare.WaitForExit(TimeSpan.FromSeconds(60)) && prepare.ExitCode == 0, prepare.Describe());
            }

            using StallScene scene = StallScene.Create(128, 0, _output);
            using var daemon = DaemonProcess.Start(scene.Cgroup, _output, null, "--stall-for", "6s");
            CgroupProcess bystander = scene.StartBystander(BystanderMiB);
            CgroupProcess thrasher = scene.StartThrasher("--mib", "160", "--file", data);
            AssertStallKill(scene, daemon, thrasher, bystander, windowSeconds: 6, expectSwap: false);
        }
        finally
        {
            File.Delete(data);
        }
    }

    /// <summary>
    /// A burst: the thrasher stalls the cgroup hard for a few seconds (3 s of thrashing from its start, the first fill
    /// included: half the window, as a loaded machine stretches it) and then releases its memory. Shorter than the
    /// 6 s window, it kills nothing, although over the window it stalled more than the 10 % share. (~15 s)
    /// </summary>
    [MemoryCgroupFact]
    public void Burst_ShorterThanTheWindow_KillsNothing()
    {
        using StallScene scene = StallScene.Create(LimitMiB, SwapMiB, _output);
        using var daemon = DaemonProcess.Start(scene.Cgroup, _output, null, "--stall-for", "6s");
        CgroupProcess bystander = scene.StartBystander(BystanderMiB);
        CgroupProcess thrasher = scene.StartThrasher("--mib", WorkingSetMiB.ToString(CultureInfo.InvariantCulture), "--for-ms", "3000");

        DateTimeOffset began = WaitForStall(scene, thrasher, TimeSpan.FromSeconds(20));
        thrasher.WaitForLine("calm ", TimeSpan.FromSeconds(30));
        DateTimeOffset calm = DateTimeOffset.UtcNow;
        SleepUntil(calm.AddSeconds(8));
        DateTimeOffset? last = scene.Probe.LastAbove(20);
        double burstShare = scene.Probe.FullPercent(began, began.AddSeconds(6));
        List<JsonElement> events = daemon.Stop();
        string context = Context(scene, daemon.Describe(), thrasher, bystander);

        Assert.True(last is not null && (last.Value - began).TotalSeconds < 6,
            $"the burst stalled the cgroup from {began:HH:mm:ss.f} to {last:HH:mm:ss.f}: not shorter than the window\n{context}");
        Assert.True(burstShare > 10, $"over the window the burst stalled only {burstShare:0} %: it should exceed the share (10 %), so that only the sustain rule spares it\n{context}");
        Assert.Empty(events.Named("kill"));
        Assert.False(thrasher.HasExited, $"the thrasher died\n{context}");
        Assert.False(bystander.HasExited, $"the bystander died\n{context}");
        Assert.True(scene.Cgroup.ReadOomKillCount() == 0, $"the kernel's OOM killer fired\n{context}");
        _output.WriteLine($"a burst of {(last.Value - began).TotalSeconds:0.0} s ({burstShare:0} % of the 6 s window) killed nothing");
    }

    /// <summary>
    /// The whole system, in a dry run: the same thrasher raises the machine's stall ("some": on a shared machine
    /// other tasks keep running, so "full" stays low), and the daemon names the thrasher as the culprit although it
    /// is neither the largest process (a 300 MiB stable process with oom_score_adj 500 sits in another cgroup, and the kernel would pick
    /// someone else) nor growing (growth does not count here: weight 0). Nothing is signalled. (~20 s)
    /// </summary>
    [MemoryCgroupFact]
    public void SystemScope_DryRun_NamesTheThrasherAsTheCulprit()
    {
        using StallScene scene = StallScene.Create(LimitMiB, SwapMiB, _output);
        using TestCgroup large = TestCgroup.Create(400L << 20, _output);
        // oom_score_adj 500 (raising needs no capability): the kernel's badness then puts this stable process far
        // ahead of the thrasher, whatever the thrasher holds in RAM and swap when the stall is judged.
        CgroupProcess big = large.StartMemhog("--mib", "300", "--adj", "500");
        big.WaitForReady(TimeSpan.FromSeconds(60));
        using SystemDaemon daemon = SystemDaemon.Start(_output, """
            "thresholds": { "stall_above": "8%", "stall_for": "6s", "stall_kind": "some" },
            "growth": { "weight": 0 }
            """);
        CgroupProcess bystander = scene.StartBystander(BystanderMiB);
        CgroupProcess thrasher = scene.StartThrasher("--mib", WorkingSetMiB.ToString(CultureInfo.InvariantCulture));

        JsonElement kill = daemon.Daemon.WaitForEvent(e => EventsFile.Name(e) == "kill", TimeSpan.FromSeconds(40), "a dry-run stall kill");
        List<JsonElement> events = daemon.Daemon.Stop();
        string context = Context(scene, daemon.Daemon.Describe(), thrasher, bystander) + $"\nlarge {big.Describe()}\nkill: {kill.GetRawText()}";

        Assert.True(kill.Flag("dry_run"), $"not a dry run\n{context}");
        Assert.True(kill.Text("trigger") == "stall", $"not a stall kill\n{context}");
        Assert.True(kill.Pid() == thrasher.Pid, $"the culprit named is {kill.Pid()}, not the thrasher {thrasher.Pid}\n{context}");
        Assert.True(kill.Long("kernel_victim") != thrasher.Pid, $"the thrasher is the kernel's own choice too: the test proves nothing\n{context}");
        Assert.Contains("major faults/s", kill.Text("reason"), StringComparison.Ordinal);
        Assert.False(thrasher.HasExited || bystander.HasExited || big.HasExited, $"a dry run signalled someone\n{context}");
        Assert.True(events.Named("kill").All(k => k.Flag("dry_run")), context);
        _output.WriteLine($"named {kill.Pid()} (thrasher) over the kernel's {kill.Long("kernel_victim")}: {kill.Text("reason")}");
    }

    /// <summary>The stall kill every scenario expects: right victim, in time, stall over, kernel idle, event explained.</summary>
    private void AssertStallKill(StallScene scene, DaemonProcess daemon, CgroupProcess thrasher, CgroupProcess bystander, int windowSeconds, bool expectSwap)
    {
        DateTimeOffset began = WaitForStall(scene, thrasher, TimeSpan.FromSeconds(30));
        JsonElement kill;
        try
        {
            kill = daemon.WaitForEvent(e => EventsFile.Name(e) == "kill", TimeSpan.FromSeconds(windowSeconds + 25), "a stall kill");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\n" + Context(scene, "", thrasher, bystander), ex);
        }

        Assert.True(thrasher.WaitForExit(TimeSpan.FromSeconds(10)), $"the thrasher did not exit: {thrasher.Describe()}");
        SleepUntil(DateTimeOffset.UtcNow.AddSeconds(2));
        DateTimeOffset killedAt = DateTimeOffset.Parse(kill.Text("ts")!, CultureInfo.InvariantCulture);
        DateTimeOffset? lastStalled = scene.Probe.LastAbove(20);
        long oomKills = scene.Cgroup.ReadOomKillCount();
        List<JsonElement> events = daemon.Stop();
        string context = Context(scene, daemon.Describe(), thrasher, bystander) + $"\nkill: {kill.GetRawText()}";
        double afterSeconds = (killedAt - began).TotalSeconds;

        Assert.True(kill.Pid() == thrasher.Pid, $"the daemon killed {kill.Pid()}, not the thrasher {thrasher.Pid}\n{context}");
        Assert.True(kill.Text("trigger") == "stall" && kill.Text("signal") == "SIGKILL", $"not a stall SIGKILL\n{context}");
        Assert.True(thrasher.KilledBySigkill, $"the thrasher ended otherwise: {thrasher.Describe()}\n{context}");
        Assert.False(bystander.HasExited, $"the bystander died\n{context}");
        Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s)\n{context}");
        Assert.True(afterSeconds <= windowSeconds + 3, $"killed {afterSeconds:0.0} s after the stall began: more than the {windowSeconds} s window + 3 s\n{context}");
        Assert.True(lastStalled is null || (lastStalled.Value - killedAt).TotalSeconds < 2, $"the stall went on after the kill (last at {lastStalled:HH:mm:ss.f})\n{context}");
        string reason = kill.Text("reason") ?? "";
        Assert.StartsWith("memory stalled ", reason, StringComparison.Ordinal);
        Assert.Contains($"pid {thrasher.Pid} (thrasher): ", reason, StringComparison.Ordinal);
        Assert.Contains("major faults/s", reason, StringComparison.Ordinal);
        Assert.True(kill.Double("major_faults_per_s") > 0 && kill.Double("stall_percent") > 10, context); // the default share
        // The swap figures come from the victim's VmSwap at the scans; the one at the kill can read 0 while the
        // rates over the window show the swapping (seen once in four runs), so either shows the swap at work.
        Assert.True(!expectSwap || kill.Long("swap_kib") > 0 || kill.Double("swap_in_kib_per_s") > 0, $"the kill event shows no swap at work\n{context}");
        Assert.Single(events.Named("kill"));
        Assert.Contains(events.Named("pressure"), e => e.Text("trigger") == "stall");
        _output.WriteLine($"killed {afterSeconds:0.0} s after the stall began: {reason}");
    }

    private static string Context(StallScene scene, string daemon, CgroupProcess thrasher, CgroupProcess bystander) =>
        $"{scene.Probe.Describe()}\nthrasher {thrasher.Describe()}\nbystander {bystander.Describe()}\n{daemon}";

    private static void SleepUntil(DateTimeOffset at)
    {
        TimeSpan left = at - DateTimeOffset.UtcNow;
        if (left > TimeSpan.Zero)
        {
            Thread.Sleep(left);
        }
    }

    /// <summary>Waits for the thrasher's stall to show in the twin's PSI and returns when it began.</summary>
    private static DateTimeOffset WaitForStall(StallScene scene, CgroupProcess thrasher, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // A tenth of the second stalled: the default criterion (10 %) may act on a stall that never reaches
            // more in any one second (a file thrash without swap runs at 15-19 % "full" here).
            if (scene.Probe.FirstAbove(10) is DateTimeOffset began)
            {
                return began;
            }

            if (clock.Elapsed > timeout || thrasher.HasExited)
            {
                throw new TimeoutException($"no stall within {timeout.TotalSeconds:0} s: {scene.Probe.Describe()}; thrasher {thrasher.Describe()}");
            }

            Thread.Sleep(100);
        }
    }
}
