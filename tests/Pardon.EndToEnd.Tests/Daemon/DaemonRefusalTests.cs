// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// The real `pardon daemon` (not --print-config) refuses to start, with exit code 2 and a message naming
/// the problem, on a bad configuration file, inverted levels, or a --cgroup that is not a memory cgroup.
/// Each run is bounded: a daemon that started anyway is killed and the test fails.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DaemonRefusalTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;
    private readonly string _dir = Directory.CreateTempSubdirectory("pardon-e2e-refuse-").FullName;

    public DaemonRefusalTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [MemoryCgroupFact]
    public async Task Daemon_BadConfigFile_ExitsWith2NamingTheField()
    {
        using var cgroup = TestCgroup.Create(64L << 20, _output);
        string config = Path.Combine(_dir, "bad.jsonc");
        File.WriteAllText(config, """{ "thresholds": { "term_below": "10%", "kill_bellow": "5%" } }""");

        PardonResult r = await RunDaemonAsync(cgroup.Path, "--config", config);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("thresholds.kill_bellow: unknown field; did you mean \"kill_below\"?", r.Stderr, StringComparison.Ordinal);
        AssertNeverStarted();
    }

    [MemoryCgroupFact]
    public async Task Daemon_KillBelowAboveTermBelow_ExitsWith2()
    {
        using var cgroup = TestCgroup.Create(64L << 20, _output);

        PardonResult r = await RunDaemonAsync(cgroup.Path, "--term-below", "5%", "--kill-below", "10%");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--kill-below", r.Stderr, StringComparison.Ordinal);
        AssertNeverStarted();
    }

    [MemoryCgroupFact]
    public async Task Daemon_CgroupWithoutMemoryController_ExitsWith2()
    {
        using var cgroup = TestCgroup.Create(64L << 20, _output);
        string dir = NonMemoryCgroup(cgroup);
        _output.WriteLine("not a memory cgroup: " + dir);

        PardonResult r = await RunDaemonAsync(dir);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("memory", r.Stderr, StringComparison.Ordinal);
        Assert.Contains(dir, r.Stderr, StringComparison.Ordinal);
        AssertNeverStarted();
    }

    [MemoryCgroupFact]
    public async Task Daemon_LevelAboveTheCgroupsLimit_ExitsWith2_NamingTheFlagAndTheLimit()
    {
        // The typo of issue 7 in a cgroup: a level the scope can never be above makes every reading a shortage.
        using var cgroup = TestCgroup.Create(64L << 20, _output);

        PardonResult r = await RunDaemonAsync(cgroup.Path, "--term-below", "128MiB");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Equal($"pardon: --term-below 128MiB is not below cgroup {cgroup.Path}'s memory (64 MiB): every reading would be a shortage", r.Stderr.Trim());
        AssertNeverStarted();
    }

    /// <summary>Runs the real daemon with its own events file, socket and pardon state in the test's directory.</summary>
    private async Task<PardonResult> RunDaemonAsync(string cgroup, params string[] more)
    {
        string state = Path.Combine(_dir, "state.jsonc");
        File.WriteAllText(state, $$"""{ "pardon": { "state": {{DaemonProcess.JsonString(Path.Combine(_dir, "pardons.json"))}} } }""");
        string[] args =
        [
            "daemon", "--cgroup", cgroup, "--events", Path.Combine(_dir, "events.jsonl"), "--socket", Path.Combine(_dir, "pardon.sock"),
            .. more.Contains("--config") ? more : ["--config", state, .. more],
        ];
        PardonResult r = await PardonRunner.RunAsync(args, s_timeout);
        _output.WriteLine(r.ToString());
        return r;
    }

    private void AssertNeverStarted()
    {
        List<string> events = EventsFile.ReadLines(Path.Combine(_dir, "events.jsonl"));
        Assert.True(!events.Any(e => e.Contains("\"event\":\"start\"", StringComparison.Ordinal)), "a refused daemon wrote a start event:\n" + string.Join('\n', events));
    }

    /// <summary>
    /// A real cgroup without the memory controller: on v1, a hierarchy of another controller (cpu, pids…);
    /// on v2, a child of the test cgroup, whose subtree_control does not pass memory on.
    /// </summary>
    private static string NonMemoryCgroup(TestCgroup cgroup)
    {
        if (cgroup.Version == 2)
        {
            return cgroup.CreateChild("no-memory");
        }

        foreach (string name in (string[])["cpu", "pids", "cpuacct", "devices", "freezer", "blkio"])
        {
            string dir = Path.Combine("/sys/fs/cgroup", name);
            if (File.Exists(Path.Combine(dir, "cgroup.procs")) && !File.Exists(Path.Combine(dir, "memory.limit_in_bytes")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("no cgroup v1 hierarchy without the memory controller under /sys/fs/cgroup");
    }
}
