// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// The real daemon's event pipeline against the real kernel: SIGHUP (logrotate), an events file on a full
/// disk, and a flood of events with the reader of stderr stopped. Each takes a few seconds (the flood ~10 s).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class EventPipelineTests
{
    private const int SIGHUP = 1;
    private const int SIGCONT = 18;
    private const int SIGSTOP = 19;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private readonly ITestOutputHelper _output;

    public EventPipelineTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task Sighup_EventsFileMovedAway_NewEventsLandInANewFile_DaemonAndSocketCarryOn()
    {
        using var cgroup = TestCgroup.Create(64L << 20, _output);
        using var daemon = DaemonProcess.Start(cgroup, _output);
        string rotated = daemon.EventsPath + ".1";
        File.Move(daemon.EventsPath, rotated);

        Assert.True(Native.Signal(daemon.Pid, SIGHUP, () => !daemon.HasExited), "the daemon is gone before SIGHUP");
        JsonElement reload = daemon.WaitForEvent(e => EventsFile.Name(e) == "reload", s_timeout, "the reload event in a new events file");
        Assert.Empty(reload.GetProperty("restart_needed").EnumerateArray());

        // Still running, still answering on its socket.
        Assert.False(daemon.HasExited, daemon.Describe());
        PardonResult status = await PardonRunner.RunAsync(["status", "--json", "--socket", daemon.SocketPath]);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.True(File.Exists(daemon.SocketPath));

        // The new file holds the reload and ends with `stop`. Start-up warnings raised just before the move may
        // land on either side of it (the pipeline writes asynchronously), but `start` stays in the old file.
        List<JsonElement> events = daemon.Stop();
        Assert.Contains(events, e => EventsFile.Name(e) == "reload");
        Assert.Equal("stop", EventsFile.Name(events[^1]));
        Assert.DoesNotContain(events, e => EventsFile.Name(e) == "start");
        Assert.All(events.TakeWhile(e => EventsFile.Name(e) != "reload"), e => Assert.Equal("warning", EventsFile.Name(e)));
        List<JsonElement> before = EventsFile.Read(rotated);
        Assert.Equal("start", EventsFile.Name(before[0]));
        Assert.DoesNotContain(before, e => EventsFile.Name(e) is "stop" or "reload");
    }

    [MemoryCgroupFact]
    public void Sighup_ConfigurationChanged_HooksAppliedThresholdsNeedARestart_BadFileKeepsTheRunningOne()
    {
        using var cgroup = TestCgroup.Create(64L << 20, _output);
        using var daemon = DaemonProcess.Start(cgroup, _output);
        string original = File.ReadAllText(daemon.ConfigPath);
        File.WriteAllText(daemon.ConfigPath, original.TrimEnd().TrimEnd('}') +
            ",\n  \"hooks\": { \"on_kill\": [\"/bin/true\"] },\n  \"thresholds\": { \"term_below\": \"20%\" }\n}\n");

        Assert.True(Native.Signal(daemon.Pid, SIGHUP, () => !daemon.HasExited));
        JsonElement reload = daemon.WaitForEvent(e => EventsFile.Name(e) == "reload", s_timeout, "the reload event");
        Assert.Equal(["hooks"], reload.GetProperty("applied").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["thresholds"], reload.GetProperty("restart_needed").EnumerateArray().Select(a => a.GetString()));

        File.WriteAllText(daemon.ConfigPath, "{ \"thresholds\": { \"term_belw\": \"5%\" } }");
        Assert.True(Native.Signal(daemon.Pid, SIGHUP, () => !daemon.HasExited));
        JsonElement refused = daemon.WaitForEvent(e => EventsFile.Name(e) == "warning" && e.Text("code") == "config_reload", s_timeout, "the config_reload warning");
        Assert.Contains("term_belw", refused.Text("message"), StringComparison.Ordinal);
        daemon.Stop();
    }

    [MemoryCgroupFact]
    public void EventsFileOnAFullDisk_StderrCarriesOnAndSaysSo_TheFileRecoversWhenSpaceReturns()
    {
        using var cgroup = TestCgroup.Create(64L << 20, _output);
        string dir = Directory.CreateTempSubdirectory("pardon-e2e-fulldisk-").FullName;
        string mount = Path.Combine(dir, "tiny");
        Directory.CreateDirectory(mount);
        Run("/bin/mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount);
        SandboxDaemon? daemon = null;
        try
        {
            string events = Path.Combine(mount, "events.jsonl");
            string config = Path.Combine(dir, "pardon.jsonc");
            File.WriteAllText(config, $$"""{ "pardon": { "state": {{DaemonProcess.JsonString(Path.Combine(dir, "pardons.json"))}} } }""");
            daemon = SandboxDaemon.Start(_output, ["daemon", "--cgroup", cgroup.Path, "--events", events, "--socket", Path.Combine(dir, "pardon.sock"), "--config", config], events);

            // Fill the file system to the last block.
            using (var filler = new FileStream(Path.Combine(mount, "filler"), FileMode.Create))
            {
                byte[] block = new byte[4096];
                try
                {
                    while (true)
                    {
                        filler.Write(block);
                        filler.Flush();
                    }
                }
                catch (IOException)
                {
                    // ENOSPC: full.
                }
            }

            // The file's last page may still have room for a few lines: raise events (SIGHUP → `reload`) until
            // a write fails.
            var clock = Stopwatch.StartNew();
            while (!daemon.StandardError.Any(l => l.StartsWith("pardon: warning: cannot write to the events file", StringComparison.Ordinal)))
            {
                Assert.True(clock.Elapsed < s_timeout && !daemon.HasExited, "the events file never failed; " + daemon.Describe());
                Assert.True(Native.Signal(daemon.Pid, SIGHUP, () => !daemon.HasExited));
                Thread.Sleep(100);
            }

            // Full: stderr carries on, the file takes nothing more, the daemon runs.
            long lines = EventsFile.ReadLines(events).Count;
            int reloads = daemon.StandardError.Count(l => l.StartsWith("pardon: reload:", StringComparison.Ordinal));
            Assert.True(Native.Signal(daemon.Pid, SIGHUP, () => !daemon.HasExited));
            WaitFor(() => daemon.StandardError.Count(l => l.StartsWith("pardon: reload:", StringComparison.Ordinal)) > reloads, "a reload event on stderr", daemon);
            Assert.False(daemon.HasExited);
            Assert.Equal(lines, EventsFile.ReadLines(events).Count);
            Assert.Single(daemon.StandardError, l => l.StartsWith("pardon: warning: cannot write to the events file", StringComparison.Ordinal));

            // Space again: the next attempt (SIGHUP makes it at once) writes what waited, and says so.
            File.Delete(Path.Combine(mount, "filler"));
            Assert.True(Native.Signal(daemon.Pid, SIGHUP, () => !daemon.HasExited));
            daemon.WaitForEvent(e => EventsFile.Name(e) == "warning" && e.Text("code") == "event_sink_recovered", s_timeout, "event_sink_recovered in the file");
            List<JsonElement> all = daemon.Stop(); // every line whole JSON: no torn line at the point the disk filled
            Assert.Contains(all, e => EventsFile.Name(e) == "warning" && e.Text("code") == "event_sink" && e.Text("sink") == "file");

            // Every reload stderr saw is in the file too: the ones raised while it was full waited and were written.
            Assert.Equal(daemon.StandardError.Count(l => l.StartsWith("pardon: reload:", StringComparison.Ordinal)), all.Count(e => EventsFile.Name(e) == "reload"));
        }
        finally
        {
            daemon?.Dispose();
            Run("/bin/umount", "-l", mount);
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The finding: with the log's reader stalled, a flood of denials grew the daemon's (locked) RSS from
    /// 41 to 512 MB in 45 s. Here stderr is a FIFO whose reader is stopped (SIGSTOP), repeats are not folded
    /// (the worst case: every denial is an event), and clients flood the socket for 8 s. The daemon's RSS
    /// must stay within 48 MiB of what it was before the flood; the drops are counted and reported.
    /// </summary>
    [MemoryCgroupFact]
    public async Task StalledStderrReader_FloodOfDenials_RssStaysBounded_DropsAreCounted()
    {
        const long BoundMiB = 48;
        using var cgroup = TestCgroup.Create(64L << 20, _output);
        string dir = Directory.CreateTempSubdirectory("pardon-e2e-flood-").FullName;
        string fifo = Path.Combine(dir, "stderr.fifo");
        Run("/usr/bin/mkfifo", fifo);
        using CgroupProcess reader = CgroupProcess.StartHere("/bin/sh", "-c", "exec cat \"$0\" > /dev/null", fifo);
        CgroupProcess? daemon = null;
        try
        {
            string events = Path.Combine(dir, "events.jsonl");
            string socket = Path.Combine(dir, "pardon.sock");
            string config = Path.Combine(dir, "pardon.jsonc");
            File.WriteAllText(config, $$"""{ "pardon": { "state": {{DaemonProcess.JsonString(Path.Combine(dir, "pardons.json"))}} }, "events": { "coalesce_window": "0s" } }""");
            daemon = CgroupProcess.StartHere("/bin/sh", "-c", "f=$0; exec \"$@\" 2>\"$f\"", fifo,
                PardonRunner.Path, "daemon", "--cgroup", cgroup.Path, "--events", events, "--socket", socket, "--config", config);
            var started = Stopwatch.StartNew();
            while (!EventsFile.Read(events).Any(e => EventsFile.Name(e) == "start"))
            {
                Assert.True(started.Elapsed < TimeSpan.FromSeconds(30) && !daemon.HasExited, "the daemon did not start; " + daemon.Describe());
                Thread.Sleep(50);
            }

            long baseline = RssKiB(daemon.Pid);
            Assert.True(Native.Signal(reader.Pid, SIGSTOP, () => !reader.HasExited));

            long denials = 0;
            long peak = baseline;
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(8));
            Task[] clients = Enumerable.Range(0, 4).Select(_ => Task.Run(() => Interlocked.Add(ref denials, Flood(socket, stop.Token)))).ToArray();
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, RssKiB(daemon.Pid));
                await Task.Delay(100);
            }

            await Task.WhenAll(clients);
            peak = Math.Max(peak, RssKiB(daemon.Pid));
            _output.WriteLine($"{denials} denials in 8 s; RSS {baseline >> 10} MiB before, peak {peak >> 10} MiB");
            Assert.True(denials > 5_000, $"only {denials} requests answered: the flood did not happen");
            Assert.True(peak - baseline < BoundMiB << 10, $"RSS grew from {baseline >> 10} MiB to {peak >> 10} MiB (bound: +{BoundMiB} MiB)");

            PardonResult status = await PardonRunner.RunAsync(["status", "--json", "--socket", socket]);
            Assert.True(status.ExitCode == 0, status.ToString());
            JsonElement pipeline = JsonDocument.Parse(status.Stdout).RootElement.GetProperty("status").GetProperty("events");
            JsonElement stderr = pipeline.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "stderr");
            Assert.True(stderr.GetProperty("dropped").GetInt64() > 0, pipeline.GetRawText());
            Assert.False(daemon.HasExited);
        }
        finally
        {
            Native.Signal(reader.Pid, SIGCONT, () => !reader.HasExited);
            if (daemon is not null)
            {
                if (!daemon.HasExited)
                {
                    Native.Signal(daemon.Pid, Native.SIGTERM, () => !daemon.HasExited);
                    if (!daemon.WaitForExit(TimeSpan.FromSeconds(15)))
                    {
                        daemon.Kill();
                    }
                }

                daemon.Dispose();
            }

            reader.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Sends requests for a pid that does not exist, reading each answer, until cancelled — reconnecting when
    /// the server ends a connection (it answers a bounded number of requests per connection); returns how
    /// many were answered.
    /// </summary>
    private static long Flood(string path, CancellationToken stop)
    {
        byte[] request = Encoding.UTF8.GetBytes("{\"op\":\"request\",\"pid\":999999999}\n");
        byte[] buffer = new byte[4096];
        long answered = 0;
        while (!stop.IsCancellationRequested)
        {
            using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            s.ReceiveTimeout = 5000;
            try
            {
                s.Connect(new UnixDomainSocketEndPoint(path));
                while (!stop.IsCancellationRequested)
                {
                    s.Send(request);
                    int n;
                    do
                    {
                        n = s.Receive(buffer);
                    }
                    while (n > 0 && Array.IndexOf(buffer, (byte)'\n', 0, n) < 0);

                    if (n <= 0)
                    {
                        break; // the server ended this connection: open another
                    }

                    answered++;
                }
            }
            catch (SocketException)
            {
                Thread.Sleep(10); // refused while busy: try again
            }
        }

        return answered;
    }

    private static long RssKiB(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no VmRSS for {pid}");
    }

    private static void WaitFor(Func<bool> condition, string what, SandboxDaemon daemon)
    {
        if (!SpinWait.SpinUntil(condition, s_timeout))
        {
            throw new TimeoutException($"no {what} within {s_timeout.TotalSeconds} s; {daemon.Describe()}");
        }
    }

    private static void Run(string program, params string[] args)
    {
        using Process p = Process.Start(program, args);
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {p.ExitCode}");
        }
    }
}
