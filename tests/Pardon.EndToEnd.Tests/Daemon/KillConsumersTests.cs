// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.Versioning;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// A real kill seen by what consumes the events: the `on_kill` and `on_pressure` hooks (real scripts) run
/// with the kill's fields, and the kill is counted in the reaction-latency and decision-time histograms of
/// the metrics textfile, under the scope's label. About 3 s.
/// </summary>
[Collection(EndToEndCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class KillConsumersTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public KillConsumersTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public void Kill_RunsTheHooksWithItsFields_AndIsCountedInTheHistograms()
    {
        using var cgroup = TestCgroup.Create(256L << 20, _output);
        string dir = Directory.CreateTempSubdirectory("pardon-e2e-hooks-").FullName;
        try
        {
            string hook = Path.Combine(dir, "hook.sh");
            File.WriteAllText(hook, $"#!/bin/sh\nenv | grep ^PARDON_ | sort > \"{dir}/$PARDON_EVENT.env\"\ncat > \"{dir}/$PARDON_EVENT.json\"\n");
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            string prom = Path.Combine(dir, "pardon.prom");
            using var daemon = DaemonProcess.Start(cgroup, _output,
                $$"""
                "hooks": { "on_kill": [{{DaemonProcess.JsonString(hook)}}], "on_pressure": [[{{DaemonProcess.JsonString(hook)}}, "--pressure"]] }
                """,
                "--metrics-textfile", prom);

            CgroupProcess hog = cgroup.StartMemhog("--mib", "1024");
            daemon.WaitForEvent(e => EventsFile.Name(e) == "victim_exited", s_timeout, "victim_exited");
            Assert.True(SpinWait.SpinUntil(() => File.Exists(Path.Combine(dir, "kill.json")) && File.Exists(Path.Combine(dir, "pressure.json")), s_timeout),
                "the hooks did not run; " + daemon.Describe());
            List<JsonElement> events = daemon.Stop(); // the textfile is written once more at stop
            JsonElement kill = events.Named("kill")[0];

            Dictionary<string, string> env = File.ReadAllLines(Path.Combine(dir, "kill.env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            Assert.Equal("kill", env["PARDON_EVENT"]);
            Assert.Equal(hog.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), env["PARDON_PID"]);
            Assert.Equal("memhog", env["PARDON_COMM"]);
            Assert.Equal(kill.Text("signal"), env["PARDON_SIGNAL"]);
            JsonElement stdin = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "kill.json"))).RootElement;
            Assert.Equal(kill.Text("ts"), stdin.GetProperty("ts").GetString());
            Assert.DoesNotContain(events, e => e.Text("code") == "hook_failed");

            string text = File.ReadAllText(prom);
            string scope = $"scope=\"{cgroup.Path}\"";
            Assert.Contains($"pardon_reaction_latency_seconds_count{{{scope}}} 1\n", text, StringComparison.Ordinal);
            Assert.Contains($"pardon_decision_seconds_count{{{scope}}} 1\n", text, StringComparison.Ordinal);
            Assert.Contains($"pardon_kills_total{{{scope}}} 1\n", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
