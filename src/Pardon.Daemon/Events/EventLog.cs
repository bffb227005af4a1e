// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pardon.Daemon.Events;

/// <summary>
/// Writes each event as one JSON line to the --events file (appended, flushed per event so nothing is lost
/// if the daemon is killed) and a readable line to the log (stderr, which systemd sends to the journal).
/// </summary>
public sealed class EventLog : IEventSink, IDisposable
{
    private readonly object _gate = new();
    private readonly StreamWriter? _file;
    private readonly TextWriter? _log;
    private readonly bool _jsonToLog;

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
    }

    public void Emit(DaemonEvent e)
    {
        if (e.Ts.Length == 0)
        {
            e.Ts = FormatTimestamp(DateTimeOffset.UtcNow);
        }

        string json = JsonSerializer.Serialize(e, EventJsonContext.Default.DaemonEvent);
        lock (_gate)
        {
            _file?.WriteLine(json);
            if (_log is not null)
            {
                _log.WriteLine(_jsonToLog ? json : $"pardon: {e.Event}: {e.Message}");
                _log.Flush();
            }
        }
    }

    /// <summary>RFC 3339 with milliseconds, UTC: "2026-11-21T21:50:12.345Z".</summary>
    public static string FormatTimestamp(DateTimeOffset t)
        => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
        }
    }
}
