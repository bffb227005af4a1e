// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Daemon.Configuration;

namespace Pardon.Daemon.Metrics;

/// <summary>
/// Feeds node_exporter's textfile collector (https://github.com/prometheus/node_exporter#textfile-collector):
/// the same exposition as `/metrics`, written to PATH every interval and once more at stop. The collector reads
/// only `*.prom` files and may read at any moment, so each write goes to a temporary file in the same directory
/// (same filesystem, and a name the collector ignores) and is renamed over PATH: rename(2) replaces it
/// atomically, and a reader sees the old text or the new, never half of one.
/// </summary>
public sealed class TextfileWriter : IDisposable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(15);

    private readonly Func<MetricsSnapshot> _snapshot;
    private readonly Action<string>? _warn;
    private readonly PrometheusWriter _writer = new();
    private readonly string _temporary;
    private readonly TimeSpan _interval;
    private readonly Lock _lock = new();
    private Timer? _timer;
    private bool _failing;
    private bool _disposed;

    /// <param name="path">The `.prom` file, in the collector's directory (--collector.textfile.directory).</param>
    /// <param name="warn">Told when a write fails (once, until one succeeds again); the daemon carries on regardless.</param>
    public TextfileWriter(string path, Func<MetricsSnapshot> snapshot, TimeSpan? interval = null, Action<string>? warn = null)
    {
        if (!path.EndsWith(".prom", StringComparison.Ordinal) || System.IO.Path.GetFileName(path).Length <= ".prom".Length)
        {
            throw new ConfigException("metrics.textfile", [$"\"{path}\" must end in .prom: node_exporter's textfile collector reads only *.prom files"]);
        }

        Path = System.IO.Path.GetFullPath(path);
        _snapshot = snapshot;
        _warn = warn;
        _interval = interval ?? DefaultInterval;
        if (_interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), "the interval must be positive");
        }

        // A dot file with a pid and no .prom suffix: hidden from the collector, unique per daemon.
        string directory = System.IO.Path.GetDirectoryName(Path)!;
        _temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.tmp");
    }

    public string Path { get; }

    /// <summary>Writes once now (so a bad directory shows at start, as an exception), then every interval.</summary>
    public void Start()
    {
        WriteNow();
        _timer = new Timer(static state => ((TextfileWriter)state!).Tick(), this, _interval, _interval);
    }

    /// <summary>Writes the file now; throws on failure (the periodic writes report through the warning instead).</summary>
    public void WriteNow()
    {
        lock (_lock)
        {
            ReadOnlyMemory<byte> text = _writer.Write(_snapshot());
            try
            {
                var options = new FileStreamOptions
                {
                    Mode = FileMode.Create,
                    Access = FileAccess.Write,
                    Share = FileShare.None,
                };
                using (var file = new FileStream(_temporary, options))
                {
                    file.Write(text.Span);
                }

                if (OperatingSystem.IsLinux())
                {
                    // 0644 whatever the daemon's umask (chmod, unlike open's mode, ignores it): node_exporter
                    // runs as another user and must read the file; the figures are not secret.
                    File.SetUnixFileMode(_temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                }

                File.Move(_temporary, Path, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                TryDelete(_temporary);
                throw new IOException($"cannot write the metrics textfile {Path}: {ex.Message}", ex);
            }
        }
    }

    private void Tick()
    {
        // Under the lock (it is reentrant) so that overlapping ticks agree on whether the failure was reported.
        lock (_lock)
        {
            try
            {
                WriteNow();
                _failing = false;
            }
            catch (IOException ex)
            {
                if (!_failing)
                {
                    _failing = true;
                    _warn?.Invoke(ex.Message);
                }
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: a leftover dot file is ignored by the collector.
        }
    }

    /// <summary>Stops the timer and writes the final figures (the counters at stop, not 15 s before).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_timer is not null)
        {
            using var done = new ManualResetEvent(false);
            if (_timer.Dispose(done))
            {
                done.WaitOne(TimeSpan.FromSeconds(2));
            }

            Tick();
        }
    }
}
