// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text;

namespace Pardon.Daemon.Metrics;

/// <summary>
/// Writes a <see cref="MetricsSnapshot"/> in the Prometheus text exposition format, version 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), into a buffer reused from
/// one scrape to the next. Names follow https://prometheus.io/docs/practices/naming/: a `pardon_` prefix,
/// snake_case, base units (bytes, seconds) in the name, `_total` on counters. Every sample carries the
/// `scope` label: a scope's figures its own ("system" or the cgroup's directory), the daemon's figures
/// scope="daemon", so several daemons and scopes can share a host and a Prometheus.
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
        const string daemon = MetricsSnapshot.DaemonScope;
        List<ScopeMetrics> scopes = s.Scopes;
        Family("pardon_build_info", "gauge", "Pardon's version, in the version label; always 1.");
        Sample("pardon_build_info", daemon, "version", s.Version, 1);
        Metric("pardon_start_time_seconds", "gauge", "When the daemon started, in seconds since the Unix epoch.", daemon, s.StartTimeSeconds);
        PerScope("pardon_memory_total_bytes", "gauge", "The scope's memory: MemTotal for the system, the effective limit for a cgroup.", scopes, m => Bytes(m.TotalKiB));
        PerScope("pardon_memory_available_bytes", "gauge", "Memory available without swapping or an OOM: MemAvailable, or limit - usage + inactive file for a cgroup.", scopes, m => Bytes(m.AvailableKiB));
        PerScope("pardon_swap_total_bytes", "gauge", "Swap the scope may use.", scopes, m => Bytes(m.SwapTotalKiB));
        PerScope("pardon_swap_free_bytes", "gauge", "Swap still free for the scope.", scopes, m => Bytes(m.SwapFreeKiB));
        PerScope("pardon_term_below_bytes", "gauge", "Available memory at or below which Pardon sends SIGTERM (thresholds.term_below, resolved).", scopes, m => Bytes(m.TermBelowKiB));
        PerScope("pardon_kill_below_bytes", "gauge", "Available memory at or below which Pardon sends SIGKILL (thresholds.kill_below, resolved).", scopes, m => Bytes(m.KillBelowKiB));
        PerScope("pardon_poll_interval_seconds", "gauge", "The monitor's current sleep between readings (adaptive: shorter as memory runs low).", scopes, m => m.PollIntervalMs / 1000.0);
        PerScope("pardon_scans_total", "counter", "Scans of the scope's processes.", scopes, m => m.Scans);
        PerScope("pardon_pressure_episodes_total", "counter", "Times available memory fell to a level (each shortage counts once).", scopes, m => m.PressureEpisodes);
        PerScope("pardon_kills_total", "counter", "Victims signalled (SIGTERM or SIGKILL).", scopes, m => m.Kills);
        PerScope("pardon_escalations_total", "counter", "Victims that outlived SIGTERM's grace (or the kill level) and were sent SIGKILL.", scopes, m => m.Escalations);
        PerScope("pardon_last_reaction_latency_seconds", "gauge", "For the last kill, from the level seen crossed to the victim's exit; NaN before the first.", scopes, m => m.LastReactionLatencyMs / 1000.0);
        Histogram("pardon_reaction_latency_seconds", "Every kill, from the level seen crossed to the victim's exit.", scopes, m => m.ReactionLatency ?? HistogramSnapshot.Empty(LatencyHistogram.ReactionBuckets));
        Histogram("pardon_decision_seconds", "Every kill, from the level seen crossed to the signal sent (Pardon's own work).", scopes, m => m.DecisionTime ?? HistogramSnapshot.Empty(LatencyHistogram.DecisionBuckets));
        WriteStall(scopes);
        WriteForecast(s);
        Metric("pardon_monitor_iterations_total", "counter", "Memory readings taken by the monitor loop (every scope's).", daemon, s.Iterations);
        Metric("pardon_monitor_steady_iterations_total", "counter", "Idle monitor iterations measured for allocations.", daemon, s.SteadyIterations);
        Metric("pardon_monitor_steady_allocated_bytes_total", "counter", "Bytes the monitor thread allocated in those iterations; stays 0 when the loop is allocation-free.", daemon, s.SteadyAllocatedBytes);
        Metric("pardon_pardons_active", "gauge", "Pardons in force.", daemon, s.Pardons);
        Metric("pardon_kernel_protect", "gauge", "1 when pardons bind the kernel too (the daemon may set oom_score_adj -1000: CAP_SYS_RESOURCE).", daemon, s.KernelProtect ? 1 : 0);
        Metric("pardon_dry_run", "gauge", "1 when the daemon decides and logs but never signals.", daemon, s.DryRun ? 1 : 0);
        Metric("pardon_memory_locked", "gauge", "1 when the daemon's memory is locked (mlockall), so it cannot stall on page faults.", daemon, s.MemoryLocked ? 1 : 0);
        if (s.Events is { } events)
        {
            Metric("pardon_events_total", "counter", "Events raised (repeats folded into one line included).", daemon, events.Emitted);
            Family("pardon_events_dropped_total", "counter", "Events dropped because they came faster than they could be written, by event name (kill events never are).");
            foreach (string kind in Events.EventClass.Kinds)
            {
                Sample("pardon_events_dropped_total", daemon, "event", kind, events.Dropped.GetValueOrDefault(kind));
            }

            Metric("pardon_events_coalesced_total", "counter", "Repeated events folded into a later line's repeats count.", daemon, events.Coalesced);
            Family("pardon_event_output_up", "gauge", "1 while an output of the event log (file, stderr, journal) writes, 0 while it fails.");
            foreach (Events.EventOutputStatus o in events.Outputs)
            {
                Sample("pardon_event_output_up", daemon, "output", o.Name, o.Ok ? 1 : 0);
            }

            Family("pardon_event_output_dropped_lines_total", "counter", "Lines an output dropped while it was blocked or failing.");
            foreach (Events.EventOutputStatus o in events.Outputs)
            {
                Sample("pardon_event_output_dropped_lines_total", daemon, "output", o.Name, o.Dropped);
            }
        }

        Metric("pardon_hooks_started_total", "counter", "Hook commands started.", daemon, s.HooksStarted);
        Metric("pardon_hooks_failed_total", "counter", "Hook commands that could not start, exited non-zero or were killed at their timeout.", daemon, s.HooksFailed);
        Metric("pardon_hooks_dropped_total", "counter", "Hook runs dropped because too many were waiting.", daemon, s.HooksDropped);
        Metric("pardon_notifications_sent_total", "counter", "Desktop notifications delivered.", daemon, s.NotificationsSent);
        Metric("pardon_notifications_failed_total", "counter", "Desktop notifications that could not be delivered.", daemon, s.NotificationsFailed);

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

    /// <summary>A family with one sample per scope.</summary>
    private void PerScope(string name, string type, string help, List<ScopeMetrics> scopes, Func<ScopeMetrics, long> value)
    {
        Family(name, type, help);
        foreach (ScopeMetrics m in scopes)
        {
            SampleStart(name, m.Scope);
            AppendLong(value(m));
            Append("\n");
        }
    }

    /// <inheritdoc cref="PerScope(string, string, string, List{ScopeMetrics}, Func{ScopeMetrics, long})"/>
    private void PerScope(string name, string type, string help, List<ScopeMetrics> scopes, Func<ScopeMetrics, double> value)
    {
        Family(name, type, help);
        foreach (ScopeMetrics m in scopes)
        {
            SampleStart(name, m.Scope);
            AppendDouble(value(m));
            Append("\n");
        }
    }

    /// <summary>
    /// A histogram per scope: <c>name_bucket{scope,le}</c> cumulative counts in increasing <c>le</c> order
    /// ending with <c>le="+Inf"</c> (= the count), then <c>name_sum</c> and <c>name_count</c>.
    /// </summary>
    private void Histogram(string name, string help, List<ScopeMetrics> scopes, Func<ScopeMetrics, HistogramSnapshot> value)
    {
        Family(name, "histogram", help);
        foreach (ScopeMetrics m in scopes)
        {
            HistogramSnapshot h = value(m);
            for (int i = 0; i <= h.UpperBounds.Length; i++)
            {
                Append(name);
                Append("_bucket{scope=\"");
                AppendEscaped(m.Scope, escapeQuotes: true);
                Append("\",le=\"");
                if (i < h.UpperBounds.Length)
                {
                    AppendDouble(h.UpperBounds[i]);
                }
                else
                {
                    Append("+Inf");
                }

                Append("\"} ");
                AppendLong(i < h.UpperBounds.Length ? h.Cumulative[i] : h.Count);
                Append("\n");
            }

            SampleStart(name + "_sum", m.Scope);
            AppendDouble(h.Sum);
            Append("\n");
            SampleStart(name + "_count", m.Scope);
            AppendLong(h.Count);
            Append("\n");
        }
    }

    /// <summary>One sample with the scope and one more label.</summary>
    private void Sample(string name, string scope, string label, string labelValue, long value)
    {
        Append(name);
        Append("{scope=\"");
        AppendEscaped(scope, escapeQuotes: true);
        Append("\",");
        Append(label);
        Append("=\"");
        AppendEscaped(labelValue, escapeQuotes: true);
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
