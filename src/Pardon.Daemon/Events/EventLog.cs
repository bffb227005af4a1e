// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pardon.Daemon.Events;

/// <summary>
/// Writes each event as one JSON line to the --events file (appended, flushed per event so nothing is lost
/// if the daemon is killed) and a readable line to the log (stderr, which systemd sends to the journal).
/// Writing happens on a thread of its own: the monitor only stamps and queues an event, so a disk stalled
/// by the very memory shortage being handled can never delay a kill or the wait for a victim's exit.
/// </summary>
public sealed class EventLog : IEventSink, IDisposable
{
    private readonly Queue<DaemonEvent> _queue = new();
    private readonly StreamWriter? _file;
    private readonly TextWriter? _log;
    private readonly bool _jsonToLog;
    private readonly Thread _writer;
    private List<DaemonEvent>? _held;
    private bool _closing;

    /// <param name="path">The JSON-lines file, or null.</param>
    /// <param name="log">Where readable lines go (stderr), or null.</param>
    /// <param name="jsonToLog">Write the JSON lines to the log instead of the readable form.</param>
    public EventLog(string? path, TextWriter? log, bool jsonToLog = false)
    {
        if (path is not null)
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }

            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            _file = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
        }

        _log = log;
        _jsonToLog = jsonToLog;
        _writer = new Thread(WriteLoop) { Name = "pardon-events", IsBackground = true };
        _writer.Start();
    }

    /// <summary>
    /// Holds events back until the `start` event, which is then written first and the held ones after it
    /// (with the times they were raised): the log reads start … stop even though start-up warnings and
    /// restored pardons are raised before the daemon is ready. Dispose writes anything still held.
    /// </summary>
    public void HoldUntilStart()
    {
        lock (_queue)
        {
            _held ??= [];
        }
    }

    /// <summary>Stamps the event now and queues it; returns at once.</summary>
    public void Emit(DaemonEvent e)
    {
        if (e.Ts.Length == 0)
        {
            e.Ts = FormatTimestamp(DateTimeOffset.UtcNow);
        }

        lock (_queue)
        {
            if (_held is not null && e.Event != "start")
            {
                _held.Add(e);
                return;
            }

            _queue.Enqueue(e);
            ReleaseHeld();
            System.Threading.Monitor.Pulse(_queue);
        }
    }

    /// <summary>Queues the held events behind what is queued already; called with the lock held.</summary>
    private void ReleaseHeld()
    {
        if (_held is not null)
        {
            foreach (DaemonEvent h in _held)
            {
                _queue.Enqueue(h);
            }

            _held = null;
        }
    }

    /// <summary>Waits until every event queued so far has been written.</summary>
    public void Flush()
    {
        lock (_queue)
        {
            while (_queue.Count > 0)
            {
                System.Threading.Monitor.Wait(_queue, 100);
            }
        }
    }

    private void WriteLoop()
    {
        while (true)
        {
            DaemonEvent e;
            lock (_queue)
            {
                while (_queue.Count == 0)
                {
                    if (_closing)
                    {
                        return;
                    }

                    System.Threading.Monitor.Wait(_queue);
                }

                e = _queue.Peek();
            }

            Write(e);
            lock (_queue)
            {
                _queue.Dequeue();
                System.Threading.Monitor.PulseAll(_queue);
            }
        }
    }

    private void Write(DaemonEvent e)
    {
        try
        {
            string json = JsonSerializer.Serialize(e, EventJsonContext.Default.DaemonEvent);
            _file?.WriteLine(json);
            if (_log is not null)
            {
                _log.WriteLine(_jsonToLog ? json : $"pardon: {e.Event}: {e.Message}");
                _log.Flush();
            }
        }
        catch (IOException)
        {
            // A full disk or a closed stderr must not take the daemon down; the event is lost, the kill is not.
        }
    }

    /// <summary>RFC 3339 with milliseconds, UTC: "2026-11-21T21:50:12.345Z".</summary>
    public static string FormatTimestamp(DateTimeOffset t)
        => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        lock (_queue)
        {
            ReleaseHeld(); // the daemon failed before `start`: its warnings still say why
            _closing = true;
            System.Threading.Monitor.PulseAll(_queue);
        }

        _writer.Join(TimeSpan.FromSeconds(5));
        _file?.Dispose();
    }
}
