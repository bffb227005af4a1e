// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Events;
using Pardon.Daemon.Journal;

namespace Pardon.Daemon.Hooks;

/// <summary>
/// Runs the configured commands on events: `on_kill` after each kill event (the signal is already sent when
/// the event exists), `on_pressure` when a level is crossed, `on_warning` on warnings (except warnings about
/// hooks, which would feed themselves). Each run gets the event as one JSON line on stdin and its fields in
/// the environment (PARDON_EVENT, PARDON_PID, PARDON_COMM, PARDON_SIGNAL, PARDON_SCOPE, … — the names the
/// journal uses). <see cref="OnEvent"/> only queues (it runs on the event pipeline's thread); a fixed number
/// of worker threads start the commands, so nothing here can delay a kill or the pipeline. A run that
/// outlasts the timeout is killed (its whole process tree); a command that cannot start, exits non-zero or
/// times out is reported as a `hook_failed` warning. Hooks start at nice 0 and oom_score_adj 0, not with
/// the daemon's own protections.
/// </summary>
public sealed class HookRunner : IEventConsumer, IDisposable
{
    private readonly IEventSink _events;
    private readonly ConcurrentQueue<(HookCommand Command, DaemonEvent Event, string Json)> _queue = new();
    private readonly SemaphoreSlim _work = new(0);
    private readonly List<Thread> _workers = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile HookSettings _settings;
    private int _queued;
    private long _started;
    private long _failed;
    private long _dropped;

    public HookRunner(HookSettings settings, IEventSink events)
    {
        _settings = settings;
        _events = events;
        for (int i = 0; i < settings.MaxConcurrent; i++)
        {
            var t = new Thread(Work, 256 * 1024) { Name = "pardon-hook-" + i.ToString(CultureInfo.InvariantCulture), IsBackground = true };
            _workers.Add(t);
            t.Start();
        }
    }

    /// <summary>Runs started.</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>Runs that failed (could not start, exited non-zero, timed out).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Runs dropped because too many were waiting.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Takes new commands and limits (SIGHUP); the number of workers stays what it was at start.</summary>
    public void Update(HookSettings settings) => _settings = settings;

    public void OnEvent(DaemonEvent e)
    {
        HookSettings s = _settings;
        IReadOnlyList<HookCommand> commands = e.Event switch
        {
            "kill" => s.OnKill,
            "pressure" => s.OnPressure,
            "warning" when e.Code is not ("hook_failed" or "hook_dropped") => s.OnWarning,
            _ => [],
        };
        if (commands.Count == 0 || _stop.IsCancellationRequested)
        {
            return;
        }

        string json = JsonSerializer.Serialize(e, EventJsonContext.Default.DaemonEvent);
        foreach (HookCommand command in commands)
        {
            if (Interlocked.Increment(ref _queued) > s.QueueLimit)
            {
                Interlocked.Decrement(ref _queued);
                Interlocked.Increment(ref _dropped);
                _events.Emit(new DaemonEvent
                {
                    Event = "warning",
                    Code = "hook_dropped",
                    Command = command.Path,
                    Message = $"hook {command.Path} not run for a {e.Event} event: {s.QueueLimit} runs are already waiting",
                });
                continue;
            }

            _queue.Enqueue((command, e, json));
            _work.Release();
        }
    }

    private void Work()
    {
        while (true)
        {
            try
            {
                _work.Wait(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_queue.TryDequeue(out var job))
            {
                Interlocked.Decrement(ref _queued);
                Run(job.Command, job.Event, job.Json);
            }
        }
    }

    private void Run(HookCommand command, DaemonEvent e, string json)
    {
        HookSettings s = _settings;
        var psi = new ProcessStartInfo(command.Path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        foreach (string a in command.Arguments)
        {
            psi.ArgumentList.Add(a);
        }

        // systemd's hand-offs are the daemon's own: a hook must not notify or be watched on its behalf.
        foreach (string name in (string[])["NOTIFY_SOCKET", "WATCHDOG_PID", "WATCHDOG_USEC", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"])
        {
            psi.Environment.Remove(name);
        }

        foreach ((string name, string value) in Environment(json))
        {
            psi.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or IOException)
        {
            Fail(command, e, $"cannot run hook {command}: {ex.Message}", null);
            return;
        }

        Interlocked.Increment(ref _started);
        using (process)
        {
            Unprotect(process.Id);
            try
            {
                process.StandardInput.Write(json + "\n");
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The hook exited or closed stdin without reading the event: its choice.
            }

            if (!process.WaitForExit(s.Timeout))
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
                {
                }

                process.WaitForExit(1000);
                Fail(command, e, $"hook {command} for a {e.Event} event was still running after {s.Timeout.TotalSeconds:0.#} s and was killed", null);
                return;
            }

            if (process.ExitCode != 0)
            {
                Fail(command, e, $"hook {command} for a {e.Event} event exited with status {process.ExitCode}", process.ExitCode);
            }
        }
    }

    /// <summary>
    /// The daemon runs at nice -20 with oom_score_adj -1000 (where it may); a hook inherits both at fork.
    /// Put them back to ordinary values so a hook neither competes with the monitor for CPU nor becomes
    /// the one process the kernel's OOM killer may not choose. Raising either needs no privilege.
    /// </summary>
    private static void Unprotect(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/oom_score_adj", "0");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Already exited, or not ours to change: nothing to undo.
        }

        try
        {
            using Process p = Process.GetProcessById(pid);
            p.PriorityClass = ProcessPriorityClass.Normal;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or Win32Exception)
        {
        }
    }

    /// <summary>PARDON_&lt;FIELD&gt; for every field of the event (lists and objects as compact JSON), as in the journal.</summary>
    internal static List<(string Name, string Value)> Environment(string json)
    {
        var env = new List<(string, string)>();
        using JsonDocument doc = JsonDocument.Parse(json);
        foreach (JsonProperty p in doc.RootElement.EnumerateObject())
        {
            if (JournalEntry.FieldName(p.Name) is string name && p.Value.ValueKind != JsonValueKind.Null)
            {
                env.Add((name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()));
            }
        }

        return env;
    }

    private void Fail(HookCommand command, DaemonEvent e, string message, int? exitCode)
    {
        Interlocked.Increment(ref _failed);
        _events.Emit(new DaemonEvent
        {
            Event = "warning",
            Code = "hook_failed",
            Command = command.Path,
            ExitCode = exitCode,
            Pid = e.Pid,
            Scope = e.Scope,
            Message = message,
        });
    }

    public void Dispose()
    {
        _stop.Cancel();
        bool ended = true;
        foreach (Thread t in _workers)
        {
            ended &= t.Join(TimeSpan.FromSeconds(1));
        }

        if (ended)
        {
            // A worker still waiting for a hook (up to its timeout) would touch these afterwards.
            _stop.Dispose();
            _work.Dispose();
        }
    }
}
