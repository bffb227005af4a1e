// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real `pardon daemon` executable scoped to one <see cref="TestCgroup"/>, run from the test process's
/// own cgroup (it watches the test cgroup from outside, as a deployed daemon would). Everything it needs —
/// events file, socket, configuration, pardon state — lives in a temporary directory of its own, so runs
/// never share state with each other or with a system daemon. Start returns once the `start` event is
/// written; <see cref="Stop"/> sends SIGTERM and checks the clean exit; Dispose kills (by pid) a daemon
/// still running and removes the directory.
/// </summary>
public sealed class DaemonProcess : IDisposable
{
    /// <summary>A cold .NET start on a busy 2-core machine takes seconds; a daemon that needs this long is broken.</summary>
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly CgroupProcess _process;
    private readonly ITestOutputHelper _log;
    private bool _disposed;

    private DaemonProcess(string directory, CgroupProcess process, ITestOutputHelper log)
    {
        Directory = directory;
        _process = process;
        _log = log;
    }

    /// <summary>The daemon's own temporary directory.</summary>
    public string Directory { get; }

    public string EventsPath => Path.Combine(Directory, "events.jsonl");

    public string SocketPath => Path.Combine(Directory, "pardon.sock");

    public string ConfigPath => Path.Combine(Directory, "pardon.jsonc");

    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Writes the configuration — the pardon state file inside <see cref="Directory"/>, plus
    /// <paramref name="configMembers"/>: more top-level members, e.g. <c>"kill": { "grace": "1s" }</c> —
    /// starts the daemon with <paramref name="arguments"/> after the standard ones, and waits for `start`.
    /// </summary>
    public static DaemonProcess Start(TestCgroup cgroup, ITestOutputHelper log, string? configMembers = null, params string[] arguments)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("pardon-e2e-daemon-").FullName;
        string config = Path.Combine(directory, "pardon.jsonc");
        string state = JsonString(Path.Combine(directory, "pardons.json"));
        File.WriteAllText(config, $$"""
            // written by the end-to-end tests (DaemonProcess)
            {
              "pardon": { "state": {{state}} }{{(configMembers is null ? "" : ",\n  " + configMembers)}}
            }

            """);

        string[] args =
        [
            "daemon", "--cgroup", cgroup.Path, "--events", Path.Combine(directory, "events.jsonl"),
            "--socket", Path.Combine(directory, "pardon.sock"), "--config", config, .. arguments,
        ];
        log.WriteLine($"pardon {string.Join(' ', args)}");
        CgroupProcess process;
        try
        {
            process = CgroupProcess.StartHere(PardonRunner.Path, args);
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }

        var daemon = new DaemonProcess(directory, process, log);
        try
        {
            var clock = Stopwatch.StartNew();
            daemon.WaitForEvent(e => EventsFile.Name(e) == "start", s_startTimeout, "the start event");
            log.WriteLine($"daemon {daemon.Pid} started in {clock.ElapsedMilliseconds} ms");
        }
        catch
        {
            daemon.Dispose();
            throw;
        }

        return daemon;
    }

    /// <summary><paramref name="value"/> as a JSON string literal, quotes included (for configuration text).</summary>
    public static string JsonString(string value) => "\"" + JsonEncodedText.Encode(value).ToString() + "\"";

    /// <summary>The events written so far.</summary>
    public List<JsonElement> ReadEvents() => EventsFile.Read(EventsPath);

    /// <summary>Waits for an event matching <paramref name="match"/> and returns the first one; fails early if the daemon exits.</summary>
    /// <exception cref="TimeoutException">None in time; the message has the events and the daemon's log.</exception>
    public JsonElement WaitForEvent(Func<JsonElement, bool> match, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            bool exited = _process.HasExited;
            foreach (JsonElement e in ReadEvents())
            {
                if (match(e))
                {
                    return e;
                }
            }

            if (exited)
            {
                throw new InvalidOperationException($"the daemon exited before {what}; {Describe()}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"no {what} within {timeout.TotalSeconds:0.#} s; {Describe()}");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>
    /// SIGTERM, then checks that the daemon exits within 15 s with status 0 and that its last event is
    /// `stop`. Returns all the events.
    /// </summary>
    public List<JsonElement> Stop()
    {
        if (!Native.Signal(Pid, Native.SIGTERM, () => !_process.HasExited))
        {
            throw new InvalidOperationException($"the daemon had exited before it was asked to stop; {Describe()}");
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            throw new TimeoutException($"the daemon did not exit within 15 s of SIGTERM; {Describe()}");
        }

        List<JsonElement> events = ReadEvents();
        Assert.True(_process.ExitCode == 0, $"the daemon exited with status {_process.ExitCode} after SIGTERM (expected 0); {Describe()}");
        Assert.True(events.Count > 0 && EventsFile.Name(events[^1]) == "stop", $"the last event after SIGTERM is not \"stop\"; {Describe()}");
        return events;
    }

    /// <summary>The daemon's state, events and log, for failure messages.</summary>
    public string Describe() =>
        $"daemon {Pid}: {_process.Describe()}\nevents:\n{string.Join('\n', EventsFile.ReadLines(EventsPath))}";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }

            _log.WriteLine($"daemon {Pid} log:\n  " + string.Join("\n  ", _process.StandardError));
            _process.Dispose();
        }
        finally
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
