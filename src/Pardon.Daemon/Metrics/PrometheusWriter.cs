// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text;

namespace Pardon.Daemon.Metrics;

/// <summary>
/// Writes a <see cref="MetricsSnapshot"/> in the Prometheus text exposition format, version 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), into a buffer reused from
/// one scrape to the next. Names follow https://prometheus.io/docs/practices/naming/: a `pardon_` prefix,
/// snake_case, base units (bytes, seconds) in the name, `_total` on counters. Every sample carries the
/// `scope` label so that several daemons (one per cgroup) can share a host and a Prometheus.
/// One instance per consumer: it is not thread-safe.
/// </summary>
public sealed partial class PrometheusWriter
{
    /// <summary>The Content-Type of format 0.0.4 ("text/plain; version=0.0.4", UTF-8).</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private byte[] _buffer;
    private int _length;

    public PrometheusWriter(int initialCapacity = 4096)
    {
        _buffer = new byte[Math.Max(initialCapacity, 256)];
    }

    /// <summary>The exposition of <paramref name="s"/>; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Write(MetricsSnapshot s)
    {
        _length = 0;
        string scope = s.Scope;
        Metric("pardon_build_info", "gauge", "Pardon's version, in the version label; always 1.", scope, s.Version, 1);
        Metric("pardon_start_time_seconds", "gauge", "When the daemon started, in seconds since the Unix epoch.", scope, s.StartTimeSeconds);
        Metric("pardon_memory_total_bytes", "gauge", "The scope's memory: MemTotal for the system, the effective limit for a cgroup.", scope, Bytes(s.TotalKiB));
        Metric("pardon_memory_available_bytes", "gauge", "Memory available without swapping or an OOM: MemAvailable, or limit - usage + inactive file for a cgroup.", scope, Bytes(s.AvailableKiB));
        Metric("pardon_swap_total_bytes", "gauge", "Swap the scope may use.", scope, Bytes(s.SwapTotalKiB));
        Metric("pardon_swap_free_bytes", "gauge", "Swap still free for the scope.", scope, Bytes(s.SwapFreeKiB));
        Metric("pardon_term_below_bytes", "gauge", "Available memory at or below which Pardon sends SIGTERM (thresholds.term_below, resolved).", scope, Bytes(s.TermBelowKiB));
        Metric("pardon_kill_below_bytes", "gauge", "Available memory at or below which Pardon sends SIGKILL (thresholds.kill_below, resolved).", scope, Bytes(s.KillBelowKiB));
        Metric("pardon_poll_interval_seconds", "gauge", "The monitor's current sleep between readings (adaptive: shorter as memory runs low).", scope, s.PollIntervalMs / 1000.0);
        Metric("pardon_monitor_iterations_total", "counter", "Memory readings taken by the monitor loop.", scope, s.Iterations);
        Metric("pardon_scans_total", "counter", "Scans of the scope's processes.", scope, s.Scans);
        Metric("pardon_pressure_episodes_total", "counter", "Times available memory fell to a level (each shortage counts once).", scope, s.PressureEpisodes);
        Metric("pardon_kills_total", "counter", "Victims signalled (SIGTERM or SIGKILL).", scope, s.Kills);
        Metric("pardon_escalations_total", "counter", "Victims that outlived SIGTERM's grace (or the kill level) and were sent SIGKILL.", scope, s.Escalations);
        Metric("pardon_reaction_latency_seconds", "gauge", "For the last kill, from the level seen crossed to the victim's exit; NaN before the first.", scope, s.LastReactionLatencyMs / 1000.0);
        Metric("pardon_monitor_steady_iterations_total", "counter", "Idle monitor iterations measured for allocations.", scope, s.SteadyIterations);
        Metric("pardon_monitor_steady_allocated_bytes_total", "counter", "Bytes the monitor thread allocated in those iterations; stays 0 when the loop is allocation-free.", scope, s.SteadyAllocatedBytes);
        Metric("pardon_pardons_active", "gauge", "Pardons in force.", scope, s.Pardons);
        Metric("pardon_kernel_protect", "gauge", "1 when pardons bind the kernel too (the daemon may set oom_score_adj -1000: CAP_SYS_RESOURCE).", scope, s.KernelProtect ? 1 : 0);
        Metric("pardon_dry_run", "gauge", "1 when the daemon decides and logs but never signals.", scope, s.DryRun ? 1 : 0);
        Metric("pardon_memory_locked", "gauge", "1 when the daemon's memory is locked (mlockall), so it cannot stall on page faults.", scope, s.MemoryLocked ? 1 : 0);
        WriteStall(s, scope);

        return _buffer.AsMemory(0, _length);
    }

    /// <summary>The exposition as a string (tests, and the textfile when a string is handier).</summary>
    public string WriteString(MetricsSnapshot s) => Encoding.UTF8.GetString(Write(s).Span);

    private static long Bytes(long kib) => checked(kib * 1024);

    private void Family(string name, string type, string help)
    {
        // "# HELP metric_name docstring" then "# TYPE metric_name type"; in the docstring only backslash
        // and line feed are escaped (as \\ and \n).
        Append("# HELP ");
        Append(name);
        Append(" ");
        AppendEscaped(help, escapeQuotes: false);
        Append("\n# TYPE ");
        Append(name);
        Append(" ");
        Append(type);
        Append("\n");
    }

    /// <summary>A family of one sample: its HELP and TYPE lines, then <c>name{scope="…"} value</c>.</summary>
    private void Metric(string name, string type, string help, string scope, long value)
    {
        Family(name, type, help);
        SampleStart(name, scope);
        AppendLong(value);
        Append("\n");
    }

    /// <inheritdoc cref="Metric(string, string, string, string, long)"/>
    private void Metric(string name, string type, string help, string scope, double value)
    {
        Family(name, type, help);
        SampleStart(name, scope);
        AppendDouble(value);
        Append("\n");
    }

    /// <summary>A family of one sample with a version label as well (build_info).</summary>
    private void Metric(string name, string type, string help, string scope, string version, long value)
    {
        Family(name, type, help);
        Append(name);
        Append("{scope=\"");
        AppendEscaped(scope, escapeQuotes: true);
        Append("\",version=\"");
        AppendEscaped(version, escapeQuotes: true);
        Append("\"} ");
        AppendLong(value);
        Append("\n");
    }

    private void AppendLong(long value)
    {
        Span<byte> digits = stackalloc byte[24];
        value.TryFormat(digits, out int written, default, CultureInfo.InvariantCulture);
        Append(digits[..written]);
    }

    private void SampleStart(string name, string scope)
    {
        Append(name);
        Append("{scope=\"");
        AppendEscaped(scope, escapeQuotes: true);
        Append("\"} ");
    }

    private void AppendDouble(double value)
    {
        // The format takes Go's ParseFloat syntax plus the spellings "+Inf", "-Inf" and "NaN".
        if (double.IsNaN(value))
        {
            Append("NaN");
        }
        else if (double.IsPositiveInfinity(value))
        {
            Append("+Inf");
        }
        else if (double.IsNegativeInfinity(value))
        {
            Append("-Inf");
        }
        else
        {
            // "R": the shortest text that round-trips ("0.25", "1E-05"), which ParseFloat reads back exactly.
            Span<byte> digits = stackalloc byte[32];
            value.TryFormat(digits, out int written, "R", CultureInfo.InvariantCulture);
            Append(digits[..written]);
        }
    }

    /// <summary>
    /// Label values escape backslash, double quote and line feed (\\, \", \n); HELP text the same but the quote.
    /// Everything else is written as UTF-8 unchanged, as the format allows any Unicode there.
    /// </summary>
    private void AppendEscaped(string text, bool escapeQuotes)
    {
        ReadOnlySpan<char> rest = text;
        while (!rest.IsEmpty)
        {
            int special = escapeQuotes ? rest.IndexOfAny('\\', '"', '\n') : rest.IndexOfAny('\\', '\n');
            if (special < 0)
            {
                Append(rest);
                return;
            }

            Append(rest[..special]);
            Append(rest[special] switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                _ => "\\n",
            });
            rest = rest[(special + 1)..];
        }
    }

    private void Append(ReadOnlySpan<char> text)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length)
        {
            return;
        }

        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
    }
}
