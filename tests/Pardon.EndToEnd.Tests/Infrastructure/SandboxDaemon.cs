// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One run of the real `pardon daemon`, started by a <see cref="PardonSandbox"/> or a <see cref="DaemonProcess"/>, from the test process's own
/// cgroup (it watches the test cgroup from outside). Start returns once the `start` event is written;
/// <see cref="Stop"/> sends SIGTERM and checks the clean exit; Dispose kills (by pid) a daemon still running.
/// The sandbox owns the files, so a later run can take over the same state file and socket.
/// </summary>
public sealed class SandboxDaemon : IDisposable
{
    /// <summary>A cold .NET start on a busy 2-core machine takes seconds; a daemon that needs this long is broken.</summary>
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly CgroupProcess _process;
    private readonly ITestOutputHelper _log;
    private bool _disposed;

    private SandboxDaemon(CgroupProcess process, string eventsPath, ITestOutputHelper log)
    {
        _process = process;
        EventsPath = eventsPath;
        _log = log;
    }

    public string EventsPath { get; }

    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    /// <summary>The lines the daemon has written to stderr so far.</summary>
    public IReadOnlyList<string> StandardError => _process.StandardError;

    internal static SandboxDaemon Start(ITestOutputHelper log, string[] arguments, string eventsPath)
    {
        log.WriteLine($"pardon {string.Join(' ', arguments)}");
        var clock = Stopwatch.StartNew();
        var daemon = new SandboxDaemon(CgroupProcess.StartHere(PardonRunner.Path, arguments), eventsPath, log);
        try
        {
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

    /// <summary>Waits for the event <paramref name="name"/> about <paramref name="pid"/>.</summary>
    public JsonElement WaitForEvent(string name, int pid, TimeSpan timeout)
        => WaitForEvent(e => EventsFile.Name(e) == name && e.Long("pid") == pid, timeout, $"{name} event for {pid}");

    /// <summary>SIGTERM, then checks that the daemon exits within 15 s with status 0 and that its last event is `stop`. Returns all the events.</summary>
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

    /// <summary>The daemon's state and events, for failure messages.</summary>
    public string Describe() =>
        $"daemon {Pid}: {_process.Describe()}\nevents:\n{string.Join('\n', EventsFile.ReadLines(EventsPath))}";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _log.WriteLine($"daemon {Pid} log:\n  " + string.Join("\n  ", _process.StandardError));
        _process.Dispose();
    }
}
