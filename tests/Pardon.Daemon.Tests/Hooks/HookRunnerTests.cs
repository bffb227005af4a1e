// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Events;
using Pardon.Daemon.Hooks;
using Pardon.Daemon.Tests.Pardons;

namespace Pardon.Daemon.Tests.Hooks;

/// <summary>Hooks are real shell scripts run by the runner; each test writes its own.</summary>
[SupportedOSPlatform("linux")]
public sealed class HookRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly RecordingEvents _events = new();

    private static DaemonEvent Kill(int pid = 4242) => new()
    {
        Event = "kill", Pid = pid, Comm = "memhog", Signal = "SIGTERM", Scope = "/sys/fs/cgroup/memory/t", Uid = 1000,
        UnitPids = [pid], Ts = "2026-01-01T00:00:00.000Z", Message = $"SIGTERM to {pid} (memhog)",
    };

    private HookCommand Script(string name, string body)
    {
        string path = _dir[name];
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new HookCommand(path, []);
    }

    private List<DaemonEvent> WaitForWarnings(int count)
    {
        SpinWait.SpinUntil(() => _events.Of("warning").Count >= count, TimeSpan.FromSeconds(15));
        return _events.Of("warning");
    }

    [Fact]
    public void OnKill_TheScriptGetsTheEventOnStdinAndItsFieldsInTheEnvironment()
    {
        HookCommand hook = Script("on-kill", $"cat > {_dir["stdin"]}; env | grep ^PARDON_ | sort > {_dir["env"]}; echo \"$@\" > {_dir["args"]}");
        hook = hook with { Arguments = ["first", "second word"] };
        using (var runner = new HookRunner(new HookSettings { OnKill = [hook] }, _events))
        {
            runner.OnEvent(Kill());
            Assert.True(SpinWait.SpinUntil(() => File.Exists(_dir["args"]), TimeSpan.FromSeconds(15)), "the hook did not run");
            SpinWait.SpinUntil(() => runner.Started == 1, TimeSpan.FromSeconds(5));
        }

        JsonElement stdin = JsonDocument.Parse(File.ReadAllText(_dir["stdin"])).RootElement;
        Assert.Equal("kill", stdin.GetProperty("event").GetString());
        Assert.Equal(4242, stdin.GetProperty("pid").GetInt32());
        Dictionary<string, string> env = File.ReadAllLines(_dir["env"]).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("kill", env["PARDON_EVENT"]);
        Assert.Equal("4242", env["PARDON_PID"]);
        Assert.Equal("memhog", env["PARDON_COMM"]);
        Assert.Equal("SIGTERM", env["PARDON_SIGNAL"]);
        Assert.Equal("/sys/fs/cgroup/memory/t", env["PARDON_SCOPE"]);
        Assert.Equal("[4242]", env["PARDON_UNIT_PIDS"]);
        Assert.Equal("first second word", File.ReadAllText(_dir["args"]).Trim());
        Assert.Empty(_events.Of("warning"));
    }

    [Fact]
    public void OnPressureAndOnWarning_RunOnTheirEvents_NotOnOthers()
    {
        HookCommand pressure = Script("on-pressure", $"echo $PARDON_EVENT >> {_dir["log"]}");
        using (var runner = new HookRunner(new HookSettings { OnPressure = [pressure], OnWarning = [pressure] }, _events))
        {
            runner.OnEvent(new DaemonEvent { Event = "pressure", Level = "term" });
            runner.OnEvent(Kill()); // no on_kill hook
            runner.OnEvent(new DaemonEvent { Event = "warning", Code = "psi" });
            runner.OnEvent(new DaemonEvent { Event = "warning", Code = "hook_failed" }); // never feeds itself
            SpinWait.SpinUntil(() => File.Exists(_dir["log"]) && File.ReadAllLines(_dir["log"]).Length >= 2, TimeSpan.FromSeconds(15));
            Thread.Sleep(300);
        }

        Assert.Equal(["pressure", "warning"], File.ReadAllLines(_dir["log"]).Order());
    }

    [Fact]
    public void SlowHook_IsKilledAtTheTimeout_AndReported()
    {
        HookCommand slow = Script("slow", $"echo $$ > {_dir["pid"]}; exec sleep 30");
        using var runner = new HookRunner(new HookSettings { OnKill = [slow], Timeout = TimeSpan.FromMilliseconds(500) }, _events);
        var clock = Stopwatch.StartNew();
        runner.OnEvent(Kill());

        DaemonEvent warning = Assert.Single(WaitForWarnings(1));
        Assert.Equal("hook_failed", warning.Code);
        Assert.Contains("was killed", warning.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"reported after {clock.Elapsed}");
        int pid = int.Parse(File.ReadAllText(_dir["pid"]).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(SpinWait.SpinUntil(() => !Directory.Exists($"/proc/{pid}"), TimeSpan.FromSeconds(5)), $"the hook's process {pid} still runs");
    }

    [Fact]
    public void FailingHook_ExitStatusIsReported()
    {
        HookCommand failing = Script("failing", "exit 3");
        using var runner = new HookRunner(new HookSettings { OnKill = [failing] }, _events);
        runner.OnEvent(Kill());

        DaemonEvent warning = Assert.Single(WaitForWarnings(1));
        Assert.Equal("hook_failed", warning.Code);
        Assert.Equal(3, warning.ExitCode);
        Assert.Equal(failing.Path, warning.Command);
        Assert.Equal(1, runner.Failed);
    }

    [Fact]
    public void MissingHook_IsReported()
    {
        using var runner = new HookRunner(new HookSettings { OnKill = [new HookCommand(_dir["no-such-hook"], [])] }, _events);
        runner.OnEvent(Kill());

        DaemonEvent warning = Assert.Single(WaitForWarnings(1));
        Assert.Equal("hook_failed", warning.Code);
        Assert.Contains("cannot run hook", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnEvent_NeverWaitsForHooks_AndDropsBeyondTheQueueLimit()
    {
        HookCommand slow = Script("slow", "sleep 2");
        using var runner = new HookRunner(new HookSettings { OnKill = [slow], MaxConcurrent = 1, QueueLimit = 3, Timeout = TimeSpan.FromSeconds(5) }, _events);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 20; i++)
        {
            runner.OnEvent(Kill(i));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"OnEvent took {clock.Elapsed} for 20 events");
        Assert.InRange(runner.Dropped, 16, 17); // one may already have left the queue for the worker
        Assert.All(_events.Of("warning"), w => Assert.Equal("hook_dropped", w.Code));
    }

    public void Dispose() => _dir.Dispose();
}
