// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Pardons;

/// <summary>
/// Issue 7's pardon findings against the real daemon and real clients (the `pardon` CLI and pclient, run as
/// unprivileged users): slow and silent floods that must leave another user's `pardon list` answered, an exec
/// after the pardon, memory outside RSS (a memfd) past the ceiling, a request from inside a pid namespace, a
/// second daemon, a partial state file, and the daemon's memory under a flood. Each takes seconds.
/// </summary>
[Collection(EndToEndCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class PardonTrustTests
{
    private const int LimitMiB = 256;
    private const int CeilingMiB = 48;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly ITestOutputHelper _output;

    public PardonTrustTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task SilentAndSlowFloods_LeaveAnotherUsersListAnswered()
    {
        using var sandbox = PardonSandbox.Create(_output);
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);

        // The floods: 40 connections that say nothing, and 32 that send a line every 4.5 s.
        using CgroupProcess silent = sandbox.StartPclient(PardonSandbox.OtherUser, "hold", "40", "30");
        using CgroupProcess slow = sandbox.StartPclient(PardonSandbox.OtherUser, "trickle", "32", "30", "4500", """{"op":"list"}""");
        try
        {
            Thread.Sleep(1000);
            var clock = Stopwatch.StartNew();
            int lists = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(12))
            {
                var one = Stopwatch.StartNew();
                PardonResult list = await sandbox.PardonAsync(PardonSandbox.User, "list", "--json");
                Assert.True(list.ExitCode == 0, $"another user's list failed {clock.Elapsed.TotalSeconds:0.0} s into the flood: {list}\n{daemon.Describe()}");
                _output.WriteLine($"list {++lists} answered in {one.ElapsedMilliseconds} ms (the client's start included)");
                Thread.Sleep(1000);
            }

            Assert.False(silent.HasExited || slow.HasExited, "the floods ended early");
        }
        finally
        {
            silent.Kill();
            slow.Kill();
        }

        daemon.Stop();
    }

    [MemoryCgroupFact]
    public async Task Exec_AfterThePardon_IntoAnotherFileOfTheSameNameAndSize_EndsIt()
    {
        using var sandbox = PardonSandbox.Create(_output, maxRss: $"{CeilingMiB}MiB");
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);
        CgroupProcess hog = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.AllowedMemhog, "--mib", "8", "--stdin-pages");
        hog.WaitForReady(s_timeout);
        PardonResult request = await sandbox.PardonAsync(PardonSandbox.User, "request", "--pid", Number(hog.Pid));
        Assert.True(request.ExitCode == 0, request.ToString());

        // The copy is byte for byte the allowed memhog, also named memhog: same comm, same text size.
        hog.Request($"exec {sandbox.CopiedMemhog} --mib 8 --stdin-pages", "ready ", s_timeout);

        JsonElement revoked = daemon.WaitForEvent("pardon_revoked", hog.Pid, TimeSpan.FromSeconds(10));
        Assert.True(revoked.Text("code") == "exe_changed", revoked.ToString());
        JsonElement list = await sandbox.ListAsync();
        Assert.True(PardonJson.Pardon(list, hog.Pid) is null, list.ToString());
        JsonElement rank = await sandbox.RankAsync(cgroup);
        Assert.False(PardonJson.Bool(PardonJson.Process(rank, hog.Pid), "pardoned"), rank.ToString());
        daemon.Stop();
    }

    [MemoryCgroupFact]
    public async Task Memfd_GrowingPastTheCeiling_EndsThePardon_ThoughRssStaysSmall()
    {
        using var sandbox = PardonSandbox.Create(_output, maxRss: $"{CeilingMiB}MiB");
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);
        CgroupProcess hog = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.AllowedMemhog, "--mib", "8", "--stdin-pages");
        hog.WaitForReady(s_timeout);
        Assert.True((await sandbox.PardonAsync(PardonSandbox.User, "request", "--pid", Number(hog.Pid))).ExitCode == 0);

        long pages = (80L << 20) / Environment.SystemPageSize;
        hog.Request($"memfd {pages}", "memfd ", s_timeout);
        string status = File.ReadAllText($"/proc/{hog.Pid}/status");
        _output.WriteLine(string.Join(" | ", status.Split('\n').Where(l => l.StartsWith("Rss", StringComparison.Ordinal) || l.StartsWith("VmRSS", StringComparison.Ordinal))));

        JsonElement revoked = daemon.WaitForEvent("pardon_revoked", hog.Pid, TimeSpan.FromSeconds(10));
        Assert.True(revoked.Text("code") == "over_ceiling", revoked.ToString());
        Assert.True(revoked.Long("rss_kib") > CeilingMiB * 1024L, $"the held memory reported: {revoked}");
        Assert.False(hog.HasExited);
        daemon.Stop();
    }

    [MemoryCgroupFact]
    public async Task RequestFromAPidNamespace_PardonsThatProcess_AndABarePidFromThereIsRefused()
    {
        using var sandbox = PardonSandbox.Create(_output);
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);
        string setpriv = $"{PardonSandbox.Setpriv} --reuid={PardonSandbox.User} --regid={PardonSandbox.User} --clear-groups";

        // Inside a new pid namespace, memhog gets a small pid (2 or 3) that names a kernel thread outside.
        string script = $$"""
            {{setpriv}} {{sandbox.AllowedMemhog}} --mib 4 > /dev/null & H=$!
            sleep 1
            echo "inner $H"
            {{setpriv}} {{sandbox.Cli}} request --pid $H --socket {{sandbox.SocketPath}}; echo "request $?"
            {{setpriv}} {{sandbox.Pclient}} {{sandbox.SocketPath}} once '{"op":"request","pid":'$H'}'
            sleep 30
            """;
        using CgroupProcess ns = CgroupProcess.StartHere("/usr/bin/unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "/bin/sh", "-c", script);
        try
        {
            int inner = int.Parse(ns.WaitForLine("inner ", s_timeout)["inner ".Length..], CultureInfo.InvariantCulture);
            string requested = ns.WaitForLine("request ", s_timeout);
            string raw = ns.WaitForLine("{", s_timeout);
            Assert.True(requested == "request 0", $"pardon request inside the namespace: {requested}; {ns.Describe()}\n{daemon.Describe()}");
            Assert.Contains("\"code\":\"bad_request\"", raw, StringComparison.Ordinal);
            Assert.Contains("another pid namespace", raw, StringComparison.Ordinal);

            int global = GlobalPidOf(sandbox.AllowedMemhog, inner);
            Assert.NotEqual(inner, global);
            List<JsonElement> pardons = PardonJson.Pardons(await sandbox.ListAsync());
            JsonElement only = Assert.Single(pardons);
            Assert.Equal(global, only.GetProperty("pid").GetInt32());
            Assert.Equal(sandbox.AllowedMemhog, only.GetProperty("exe").GetString());
        }
        finally
        {
            ns.Kill();
            ns.WaitForExit(TimeSpan.FromSeconds(5));
        }

        daemon.Stop();
    }

    [MemoryCgroupFact]
    public async Task SecondDaemon_GivesUp_LeavingTheStateAndTheFirstDaemonAlone()
    {
        using var sandbox = PardonSandbox.Create(_output);
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);
        CgroupProcess hog = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.AllowedMemhog, "--mib", "4");
        hog.WaitForReady(s_timeout);
        Assert.True((await sandbox.PardonAsync(PardonSandbox.User, "request", "--pid", Number(hog.Pid))).ExitCode == 0);
        byte[] state = File.ReadAllBytes(sandbox.StatePath);

        PardonResult second = await PardonSandbox.RunAsync(0, PardonRunner.Path,
            ["daemon", "--cgroup", cgroup.Path, "--socket", sandbox.SocketPath, "--config", sandbox.ConfigPath, "--events", Path.Combine(sandbox.Directory, "second.jsonl")]);

        Assert.True(second.ExitCode != 0, second.ToString());
        Assert.Contains("another Pardon daemon", second.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(state, File.ReadAllBytes(sandbox.StatePath));
        JsonElement list = await sandbox.ListAsync();
        Assert.True(PardonJson.Pardon(list, hog.Pid) is not null, list.ToString());
        daemon.Stop();
    }

    [MemoryCgroupFact]
    public async Task PartialStateFile_TheDaemonStarts_AndKeepsTheGoodEntries()
    {
        using var sandbox = PardonSandbox.Create(_output);
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        CgroupProcess hog = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.AllowedMemhog, "--mib", "4");
        hog.WaitForReady(s_timeout);
        using (SandboxDaemon first = sandbox.StartDaemon(cgroup))
        {
            Assert.True((await sandbox.PardonAsync(PardonSandbox.User, "request", "--pid", Number(hog.Pid))).ExitCode == 0);
            first.Stop();
        }

        // One more entry with "start_time" missing: the daemon of the issue aborted (exit 134) and then lost everything.
        string text = File.ReadAllText(sandbox.StatePath);
        int end = text.LastIndexOf(']');
        File.WriteAllText(sandbox.StatePath, text[..end] + """,{"pid":7,"comm":"x","exe_dev":1,"exe_ino":2,"uid":0,"requester_uid":0,"requester_pid":1,"rule":"root","max_rss_kib":0,"granted_unix_ms":1}""" + text[end..]);

        using SandboxDaemon second = sandbox.StartDaemon(cgroup);
        JsonElement list = await sandbox.ListAsync();
        Assert.True(PardonJson.Pardon(list, hog.Pid) is not null, $"the good entry was not restored\n{list}\n{second.Describe()}");
        List<JsonElement> events = second.Stop();
        Assert.Contains(events, e => EventsFile.Name(e) == "warning" && e.Text("code") == "pardon_state" && (e.Text("message") ?? "").Contains("\"start_time\" is missing", StringComparison.Ordinal));
    }

    [MemoryCgroupFact]
    public void Flood_FromTwoUsers_KeepsTheDaemonsMemoryBounded()
    {
        using var sandbox = PardonSandbox.Create(_output);
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);
        Thread.Sleep(1000);
        long before = RssKiB(daemon.Pid);
        string denied = """{"op":"request","pid":1}""";
        using CgroupProcess a = sandbox.StartPclient(PardonSandbox.User, "flood", "16", "15", denied);
        using CgroupProcess b = sandbox.StartPclient(PardonSandbox.OtherUser, "flood", "16", "15", """{"op":"list"}""");
        long peak = before;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(15) && !(a.HasExited && b.HasExited))
        {
            peak = Math.Max(peak, RssKiB(daemon.Pid));
            Thread.Sleep(250);
        }

        a.Kill();
        b.Kill();
        List<JsonElement> events = daemon.Stop();
        int denials = events.Named("pardon_denied").Count;
        _output.WriteLine($"daemon RSS {before} KiB before, {peak} KiB at most during 15 s of flooding; {denials} denial events");
        Assert.True(peak - before < 32 * 1024, $"the daemon grew by {(peak - before) / 1024} MiB under the flood");
        Assert.True(denials <= 15 * 20 + 40, $"{denials} denial events: the per-user request rate did not hold");
    }

    private static long RssKiB(int pid)
    {
        foreach (string line in File.ReadAllLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>The pid, in this namespace, of the process running <paramref name="exe"/> whose pid in its own (nested) namespace is <paramref name="inner"/>.</summary>
    private static int GlobalPidOf(string exe, int inner)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                if (new FileInfo(Path.Combine(dir, "exe")).LinkTarget != exe)
                {
                    continue;
                }

                string? nspid = File.ReadAllLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
                string[] ids = nspid?.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries) ?? [];
                if (ids.Length == 3 && ids[2] == inner.ToString(CultureInfo.InvariantCulture))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        throw new InvalidOperationException($"no process runs {exe} as pid {inner} of a nested namespace");
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
