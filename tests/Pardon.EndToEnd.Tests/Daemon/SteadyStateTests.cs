// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Daemon.Monitor;
using Pardon.Daemon.Service;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// The monitor loop allocates nothing in steady state (no pressure, no process started or ended): the
/// daemon runs in-process against a real cgroup holding one idle process, polling every 10 ms, and its
/// own per-thread allocation counter over the steady iterations must read zero.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SteadyStateTests : IDisposable
{
    private const int LimitMiB = 256;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;
    private readonly string _dir = Directory.CreateTempSubdirectory("pardon-e2e-steady-").FullName;

    public SteadyStateTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [MemoryCgroupFact]
    public void MonitorLoop_SteadyState_AllocatesNothing()
    {
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        CgroupProcess idle = cgroup.StartMemhog("--mib", "4");
        idle.WaitForReady(s_timeout);

        string config = Path.Combine(_dir, "pardon.jsonc");
        string events = Path.Combine(_dir, "events.jsonl");
        File.WriteAllText(config, $$"""
            {
              "poll": { "max_interval": "10ms" },
              "pardon": { "state": {{DaemonProcess.JsonString(Path.Combine(_dir, "pardons.json"))}} }
            }
            """);
        var options = new DaemonOptions
        {
            Cgroup = cgroup.Path,
            ConfigPath = config,
            EventsFile = events,
            Socket = Path.Combine(_dir, "pardon.sock"),
            NoSocket = true,
        };
        using var log = new StringWriter();
        var daemon = new PardonDaemon(options, TextWriter.Synchronized(log));
        int exitCode = -1;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                exitCode = daemon.Run();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        })
        { Name = "pardon-daemon-under-test", IsBackground = true };
        thread.Start();

        MonitorStatistics? stats = null;
        bool stopped = false;
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (EventsFile.Read(events).Named("start").Count == 0)
            {
                Assert.True(thread.IsAlive && clock.Elapsed < s_timeout, $"the daemon did not start: {failure}\n{log}");
                Thread.Sleep(20);
            }

            Thread.Sleep(TimeSpan.FromSeconds(3));
            stats = daemon.Statistics;
        }
        finally
        {
            daemon.RequestStop();
            stopped = thread.Join(TimeSpan.FromSeconds(15));
            if (stopped)
            {
                // Only once Run() has returned; this also waits for the event log to write its queue (stop).
                daemon.Dispose();
            }
        }

        Assert.True(stopped, $"the daemon did not stop within 15 s of RequestStop()\n{log}");

        Assert.True(failure is null && exitCode == 0, $"Run() ended with {exitCode}: {failure}\n{log}");
        Assert.NotNull(stats);
        _output.WriteLine($"{stats.Iterations} iterations, {stats.SteadyIterations} steady, {stats.Scans} scans, " +
            $"{stats.SteadyAllocatedBytes} bytes allocated in steady iterations");
        Assert.True(stats.SteadyIterations > 100, $"only {stats.SteadyIterations} steady iterations of {stats.Iterations} in 3 s at a 10 ms poll\n{log}");
        Assert.True(stats.SteadyAllocatedBytes == 0,
            $"the monitor thread allocated {stats.SteadyAllocatedBytes} bytes over {stats.SteadyIterations} steady iterations\n{log}");
        Assert.True(!idle.HasExited, $"the idle process died: {idle.Describe()}");
        List<string> lines = EventsFile.ReadLines(events);
        Assert.True(lines.Count > 0 && lines[^1].Contains("\"event\":\"stop\"", StringComparison.Ordinal), $"no stop event last\n{string.Join('\n', lines)}");
    }
}
