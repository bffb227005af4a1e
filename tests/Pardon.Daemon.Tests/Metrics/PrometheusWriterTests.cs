// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon.Events;
using Pardon.Daemon.Metrics;
using Pardon.Daemon.Monitor;

namespace Pardon.Daemon.Tests.Metrics;

/// <summary>The exposition text, byte for byte: it is a wire format, and dashboards depend on its names.</summary>
public sealed class PrometheusWriterTests
{
    internal static MetricsSnapshot Fixed(string scope = "system") => new()
    {
        Version = "0.1.0",
        StartTimeSeconds = 1767225600,
        Scopes = [FixedScope(scope)],
        Iterations = 12345,
        SteadyIterations = 12000,
        SteadyAllocatedBytes = 0,
        Pardons = 1,
        KernelProtect = false,
        DryRun = false,
        MemoryLocked = true,
        Events = new EventPipelineStatus
        {
            Emitted = 1200,
            Dropped = new() { ["pardon_denied"] = 40 },
            Coalesced = 900,
            Outputs =
            [
                new EventOutputStatus { Name = "file", Ok = true, Written = 160 },
                new EventOutputStatus { Name = "stderr", Ok = false, Error = "No space left on device", Written = 120, Dropped = 3 },
            ],
        },
        HooksStarted = 2,
        HooksFailed = 1,
        NotificationsSent = 2,
        FillBytesPerSecond = 1_048_576,
        SecondsToTerm = 12.5,
        SecondsToOom = 30,
    };

    internal static ScopeMetrics FixedScope(string scope, double lastLatencyMs = 187.5)
    {
        var reaction = new LatencyHistogram(LatencyHistogram.ReactionBuckets);
        reaction.Observe(0.02);
        reaction.Observe(0.1875);
        reaction.Observe(45); // beyond the last bound: only in +Inf
        var decision = new LatencyHistogram(LatencyHistogram.DecisionBuckets);
        decision.Observe(0.0021);
        decision.Observe(0.0021);
        return new ScopeMetrics
        {
            Scope = scope,
            TotalKiB = 16_000_000,
            AvailableKiB = 4_000_000,
            SwapTotalKiB = 2_097_152,
            SwapFreeKiB = 1_048_576,
            TermBelowKiB = 1_600_000,
            KillBelowKiB = 800_000,
            PollIntervalMs = 250,
            Scans = 678,
            Kills = 2,
            Escalations = 1,
            PressureEpisodes = 3,
            LastReactionLatencyMs = lastLatencyMs,
            ReactionLatency = reaction.Snapshot(),
            DecisionTime = decision.Snapshot(),
            Stall = new StallStatus
            {
                Kind = "full",
                AbovePercent = 40,
                WindowMs = 10_000,
                Percent = 12.5,
                Covered = true,
                SustainedMs = 2_000,
                Phase = "building",
                Avg10 = 8.25,
                Avg60 = 2.5,
                Source = "/proc/pressure/memory",
                Kills = 1,
            },
        };
    }

    private const string Expected = """
        # HELP pardon_build_info Pardon's version, in the version label; always 1.
        # TYPE pardon_build_info gauge
        pardon_build_info{scope="daemon",version="0.1.0"} 1
        # HELP pardon_start_time_seconds When the daemon started, in seconds since the Unix epoch.
        # TYPE pardon_start_time_seconds gauge
        pardon_start_time_seconds{scope="daemon"} 1767225600
        # HELP pardon_memory_total_bytes The scope's memory: MemTotal for the system, the effective limit for a cgroup.
        # TYPE pardon_memory_total_bytes gauge
        pardon_memory_total_bytes{scope="system"} 16384000000
        # HELP pardon_memory_available_bytes Memory available without swapping or an OOM: MemAvailable, or limit - usage + inactive file for a cgroup.
        # TYPE pardon_memory_available_bytes gauge
        pardon_memory_available_bytes{scope="system"} 4096000000
        # HELP pardon_swap_total_bytes Swap the scope may use.
        # TYPE pardon_swap_total_bytes gauge
        pardon_swap_total_bytes{scope="system"} 2147483648
        # HELP pardon_swap_free_bytes Swap still free for the scope.
        # TYPE pardon_swap_free_bytes gauge
        pardon_swap_free_bytes{scope="system"} 1073741824
        # HELP pardon_term_below_bytes Available memory at or below which Pardon sends SIGTERM (thresholds.term_below, resolved).
        # TYPE pardon_term_below_bytes gauge
        pardon_term_below_bytes{scope="system"} 1638400000
        # HELP pardon_kill_below_bytes Available memory at or below which Pardon sends SIGKILL (thresholds.kill_below, resolved).
        # TYPE pardon_kill_below_bytes gauge
        pardon_kill_below_bytes{scope="system"} 819200000
        # HELP pardon_poll_interval_seconds The monitor's current sleep between readings (adaptive: shorter as memory runs low).
        # TYPE pardon_poll_interval_seconds gauge
        pardon_poll_interval_seconds{scope="system"} 0.25
        # HELP pardon_scans_total Scans of the scope's processes.
        # TYPE pardon_scans_total counter
        pardon_scans_total{scope="system"} 678
        # HELP pardon_pressure_episodes_total Times available memory fell to a level (each shortage counts once).
        # TYPE pardon_pressure_episodes_total counter
        pardon_pressure_episodes_total{scope="system"} 3
        # HELP pardon_kills_total Victims signalled (SIGTERM or SIGKILL).
        # TYPE pardon_kills_total counter
        pardon_kills_total{scope="system"} 2
        # HELP pardon_escalations_total Victims that outlived SIGTERM's grace (or the kill level) and were sent SIGKILL.
        # TYPE pardon_escalations_total counter
        pardon_escalations_total{scope="system"} 1
        # HELP pardon_last_reaction_latency_seconds For the last kill, from the level seen crossed to the victim's exit; NaN before the first.
        # TYPE pardon_last_reaction_latency_seconds gauge
        pardon_last_reaction_latency_seconds{scope="system"} 0.1875
        # HELP pardon_reaction_latency_seconds Every kill, from the level seen crossed to the victim's exit.
        # TYPE pardon_reaction_latency_seconds histogram
        pardon_reaction_latency_seconds_bucket{scope="system",le="0.005"} 0
        pardon_reaction_latency_seconds_bucket{scope="system",le="0.01"} 0
        pardon_reaction_latency_seconds_bucket{scope="system",le="0.025"} 1
        pardon_reaction_latency_seconds_bucket{scope="system",le="0.05"} 1
        pardon_reaction_latency_seconds_bucket{scope="system",le="0.1"} 1
        pardon_reaction_latency_seconds_bucket{scope="system",le="0.25"} 2
        pardon_reaction_latency_seconds_bucket{scope="system",le="0.5"} 2
        pardon_reaction_latency_seconds_bucket{scope="system",le="1"} 2
        pardon_reaction_latency_seconds_bucket{scope="system",le="2.5"} 2
        pardon_reaction_latency_seconds_bucket{scope="system",le="5"} 2
        pardon_reaction_latency_seconds_bucket{scope="system",le="10"} 2
        pardon_reaction_latency_seconds_bucket{scope="system",le="30"} 2
        pardon_reaction_latency_seconds_bucket{scope="system",le="+Inf"} 3
        pardon_reaction_latency_seconds_sum{scope="system"} 45.2075
        pardon_reaction_latency_seconds_count{scope="system"} 3
        # HELP pardon_decision_seconds Every kill, from the level seen crossed to the signal sent (Pardon's own work).
        # TYPE pardon_decision_seconds histogram
        pardon_decision_seconds_bucket{scope="system",le="0.0005"} 0
        pardon_decision_seconds_bucket{scope="system",le="0.001"} 0
        pardon_decision_seconds_bucket{scope="system",le="0.0025"} 2
        pardon_decision_seconds_bucket{scope="system",le="0.005"} 2
        pardon_decision_seconds_bucket{scope="system",le="0.01"} 2
        pardon_decision_seconds_bucket{scope="system",le="0.025"} 2
        pardon_decision_seconds_bucket{scope="system",le="0.05"} 2
        pardon_decision_seconds_bucket{scope="system",le="0.1"} 2
        pardon_decision_seconds_bucket{scope="system",le="0.25"} 2
        pardon_decision_seconds_bucket{scope="system",le="0.5"} 2
        pardon_decision_seconds_bucket{scope="system",le="1"} 2
        pardon_decision_seconds_bucket{scope="system",le="+Inf"} 2
        pardon_decision_seconds_sum{scope="system"} 0.0042
        pardon_decision_seconds_count{scope="system"} 2
        # HELP pardon_stall_ratio Share of the stall window the scope's tasks waited on memory (PSI, of the configured kind; a lower bound from the total= counter); NaN without a PSI source.
        # TYPE pardon_stall_ratio gauge
        pardon_stall_ratio{scope="system"} 0.125
        # HELP pardon_stall_threshold_ratio The stall criterion's share (thresholds.stall_above); NaN when the criterion is off.
        # TYPE pardon_stall_threshold_ratio gauge
        pardon_stall_threshold_ratio{scope="system"} 0.4
        # HELP pardon_stall_window_seconds The stall criterion's window (thresholds.stall_for).
        # TYPE pardon_stall_window_seconds gauge
        pardon_stall_window_seconds{scope="system"} 10
        # HELP pardon_stall_sustained_seconds How long the stall has held half the criterion's share in every tenth of the window, counting back from now.
        # TYPE pardon_stall_sustained_seconds gauge
        pardon_stall_sustained_seconds{scope="system"} 2
        # HELP pardon_stall_avg10_ratio The kernel's 10 s average of the same PSI line; NaN without a PSI source.
        # TYPE pardon_stall_avg10_ratio gauge
        pardon_stall_avg10_ratio{scope="system"} 0.0825
        # HELP pardon_stall_avg60_ratio The kernel's 60 s average of the same PSI line; NaN without a PSI source.
        # TYPE pardon_stall_avg60_ratio gauge
        pardon_stall_avg60_ratio{scope="system"} 0.025
        # HELP pardon_stall_kills_total Victims signalled because the memory-stall criterion was met (also in pardon_kills_total).
        # TYPE pardon_stall_kills_total counter
        pardon_stall_kills_total{scope="system"} 1
        # HELP pardon_fill_rate_bytes_per_second How fast available memory falls (least squares over the last 10 s of readings); negative while it grows, NaN when unknown.
        # TYPE pardon_fill_rate_bytes_per_second gauge
        pardon_fill_rate_bytes_per_second{scope="system"} 1048576
        # HELP pardon_seconds_to_term_level Seconds until the SIGTERM level at that rate; 0 when reached, NaN when memory is not filling.
        # TYPE pardon_seconds_to_term_level gauge
        pardon_seconds_to_term_level{scope="system"} 12.5
        # HELP pardon_seconds_to_kernel_oom Seconds until the kernel's OOM (the memcg that fails first) at that rate; 0 when due, NaN when memory is not filling.
        # TYPE pardon_seconds_to_kernel_oom gauge
        pardon_seconds_to_kernel_oom{scope="system"} 30
        # HELP pardon_monitor_iterations_total Memory readings taken by the monitor loop (every scope's).
        # TYPE pardon_monitor_iterations_total counter
        pardon_monitor_iterations_total{scope="daemon"} 12345
        # HELP pardon_monitor_steady_iterations_total Idle monitor iterations measured for allocations.
        # TYPE pardon_monitor_steady_iterations_total counter
        pardon_monitor_steady_iterations_total{scope="daemon"} 12000
        # HELP pardon_monitor_steady_allocated_bytes_total Bytes the monitor thread allocated in those iterations; stays 0 when the loop is allocation-free.
        # TYPE pardon_monitor_steady_allocated_bytes_total counter
        pardon_monitor_steady_allocated_bytes_total{scope="daemon"} 0
        # HELP pardon_pardons_active Pardons in force.
        # TYPE pardon_pardons_active gauge
        pardon_pardons_active{scope="daemon"} 1
        # HELP pardon_kernel_protect 1 when pardons bind the kernel too (the daemon may set oom_score_adj -1000: CAP_SYS_RESOURCE).
        # TYPE pardon_kernel_protect gauge
        pardon_kernel_protect{scope="daemon"} 0
        # HELP pardon_dry_run 1 when the daemon decides and logs but never signals.
        # TYPE pardon_dry_run gauge
        pardon_dry_run{scope="daemon"} 0
        # HELP pardon_memory_locked 1 when the daemon's memory is locked (mlockall), so it cannot stall on page faults.
        # TYPE pardon_memory_locked gauge
        pardon_memory_locked{scope="daemon"} 1
        # HELP pardon_events_total Events raised (repeats folded into one line included).
        # TYPE pardon_events_total counter
        pardon_events_total{scope="daemon"} 1200
        # HELP pardon_events_dropped_total Events dropped because they came faster than they could be written, by event name (kill events never are).
        # TYPE pardon_events_dropped_total counter
        pardon_events_dropped_total{scope="daemon",event="start"} 0
        pardon_events_dropped_total{scope="daemon",event="stop"} 0
        pardon_events_dropped_total{scope="daemon",event="pressure"} 0
        pardon_events_dropped_total{scope="daemon",event="kill"} 0
        pardon_events_dropped_total{scope="daemon",event="victim_exited"} 0
        pardon_events_dropped_total{scope="daemon",event="pardon_granted"} 0
        pardon_events_dropped_total{scope="daemon",event="pardon_denied"} 40
        pardon_events_dropped_total{scope="daemon",event="pardon_revoked"} 0
        pardon_events_dropped_total{scope="daemon",event="pardon_released"} 0
        pardon_events_dropped_total{scope="daemon",event="warning"} 0
        pardon_events_dropped_total{scope="daemon",event="other"} 0
        # HELP pardon_events_coalesced_total Repeated events folded into a later line's repeats count.
        # TYPE pardon_events_coalesced_total counter
        pardon_events_coalesced_total{scope="daemon"} 900
        # HELP pardon_event_output_up 1 while an output of the event log (file, stderr, journal) writes, 0 while it fails.
        # TYPE pardon_event_output_up gauge
        pardon_event_output_up{scope="daemon",output="file"} 1
        pardon_event_output_up{scope="daemon",output="stderr"} 0
        # HELP pardon_event_output_dropped_lines_total Lines an output dropped while it was blocked or failing.
        # TYPE pardon_event_output_dropped_lines_total counter
        pardon_event_output_dropped_lines_total{scope="daemon",output="file"} 0
        pardon_event_output_dropped_lines_total{scope="daemon",output="stderr"} 3
        # HELP pardon_hooks_started_total Hook commands started.
        # TYPE pardon_hooks_started_total counter
        pardon_hooks_started_total{scope="daemon"} 2
        # HELP pardon_hooks_failed_total Hook commands that could not start, exited non-zero or were killed at their timeout.
        # TYPE pardon_hooks_failed_total counter
        pardon_hooks_failed_total{scope="daemon"} 1
        # HELP pardon_hooks_dropped_total Hook runs dropped because too many were waiting.
        # TYPE pardon_hooks_dropped_total counter
        pardon_hooks_dropped_total{scope="daemon"} 0
        # HELP pardon_notifications_sent_total Desktop notifications delivered.
        # TYPE pardon_notifications_sent_total counter
        pardon_notifications_sent_total{scope="daemon"} 2
        # HELP pardon_notifications_failed_total Desktop notifications that could not be delivered.
        # TYPE pardon_notifications_failed_total counter
        pardon_notifications_failed_total{scope="daemon"} 0

        """;

    [Fact]
    public void Write_FixedSnapshot_IsExactlyTheExpectedText()
    {
        string text = new PrometheusWriter().WriteString(Fixed());

        Assert.Equal(Expected.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Write_FixedSnapshot_PassesTheFormatValidator()
    {
        string text = new PrometheusWriter().WriteString(Fixed());

        Assert.Empty(ExpositionValidator.Validate(text));
    }

    [Fact]
    public void Write_HostileScope_IsEscapedAndStillValid()
    {
        // A cgroup directory may contain any byte but '/' and NUL in its last part; these three need escapes.
        string scope = "/sys/fs/cgroup/a\\b\"c\nd é";

        string text = new PrometheusWriter().WriteString(Fixed(scope));

        Assert.Contains("pardon_kills_total{scope=\"/sys/fs/cgroup/a\\\\b\\\"c\\nd é\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("pardon_reaction_latency_seconds_bucket{scope=\"/sys/fs/cgroup/a\\\\b\\\"c\\nd é\",le=\"+Inf\"} 3\n", text, StringComparison.Ordinal);
        Assert.Empty(ExpositionValidator.Validate(text));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(0.001, "1E-06")]
    [InlineData(1234.5, "1.2345")]
    public void Write_SpecialAndFractionalLatencies_UseTheFormatsSpellings(double latencyMs, string expected)
    {
        var snapshot = new MetricsSnapshot { Version = "0.1.0", Scopes = [FixedScope("system", latencyMs)] };

        string text = new PrometheusWriter().WriteString(snapshot);

        Assert.Contains($"pardon_last_reaction_latency_seconds{{scope=\"system\"}} {expected}\n", text, StringComparison.Ordinal);
        Assert.Empty(ExpositionValidator.Validate(text));
    }

    [Fact]
    public void Write_ReusesItsBuffer_AndGrowsForLongLabels()
    {
        var writer = new PrometheusWriter(initialCapacity: 256);
        string first = writer.WriteString(Fixed(new string('x', 10_000)));
        string second = writer.WriteString(Fixed());

        Assert.Contains(new string('x', 10_000), first, StringComparison.Ordinal);
        Assert.Equal(Expected.ReplaceLineEndings("\n"), second);
    }

    [Fact]
    public void Validator_RejectsWhatPromtoolWould()
    {
        Assert.NotEmpty(ExpositionValidator.Validate("a_total 1\n"));
        Assert.NotEmpty(ExpositionValidator.Validate("# HELP a x\n# TYPE a counter\na 1\n"));
        Assert.NotEmpty(ExpositionValidator.Validate("# HELP a x\n# TYPE a gauge\na{l=\"\\q\"} 1\n"));
        Assert.NotEmpty(ExpositionValidator.Validate("# HELP a x\n# TYPE a gauge\na{l=\"x\"} one\n"));
        Assert.NotEmpty(ExpositionValidator.Validate("# HELP a x\n# TYPE a gauge\n# HELP b y\n# TYPE b gauge\nb 1\na 1\n"));
        Assert.NotEmpty(ExpositionValidator.Validate("# HELP a x\n# HELP a x\n# TYPE a gauge\na 1\n"));
        Assert.NotEmpty(ExpositionValidator.Validate("# HELP 1a x\n# TYPE 1a gauge\n1a 1\n"));
        Assert.NotEmpty(ExpositionValidator.Validate("# HELP a x\n# TYPE a gauge\na 1\na 2\n"));
        Assert.Empty(ExpositionValidator.Validate("# HELP a x\n# TYPE a gauge\na{l=\"1\"} 1\na{l=\"2\"} +Inf\n"));
    }

    [Fact]
    public void From_TakesCountersFromTheLoop_AndIdentityFromTheStatus()
    {
        var statistics = new MonitorStatistics
        {
            LastPollIntervalMs = 100,
            Iterations = 10,
            Scans = 5,
            Kills = 1,
            Escalations = 1,
            PressureEpisodes = 1,
            LastLatencyMs = 42,
            SteadyIterations = 7,
            SteadyAllocatedBytes = 0,
            LastSample = new MemorySample(1000, 500, 0, 0, 0),
        };
        var status = new DaemonStatus
        {
            Version = "0.1.0",
            Started = "2026-01-01T00:00:00.500Z",
            Scope = "cgroup",
            Cgroup = "/sys/fs/cgroup/memory/test",
            Config = "embedded defaults",
            TotalKiB = 1000,
            AvailableKiB = 500,
            Pardons = 2,
            KernelProtect = true,
            Mlocked = true,
            Wakeups = [],
            Warnings = [],
        };

        MetricsSnapshot s = MetricsSnapshot.From(statistics, status);

        ScopeMetrics scope = Assert.Single(s.Scopes);
        Assert.Equal("/sys/fs/cgroup/memory/test", scope.Scope);
        Assert.Equal(1767225600.5, s.StartTimeSeconds);
        Assert.Equal(10, s.Iterations);
        Assert.Equal(1, scope.Escalations);
        Assert.Equal(42, scope.LastReactionLatencyMs);
        Assert.Equal(2, s.Pardons);
        Assert.True(s.KernelProtect);
        Assert.Equal(500, scope.AvailableKiB);
    }

    [Fact]
    public void From_BeforeTheLoopRuns_HasZeroCountersAndNaNLatency()
    {
        var status = new DaemonStatus
        {
            Version = "0.1.0",
            Started = "2026-01-01T00:00:00.000Z",
            Scope = "system",
            Config = "embedded defaults",
            Wakeups = [],
            Warnings = [],
        };

        MetricsSnapshot s = MetricsSnapshot.From(null, status);

        Assert.Equal("system", s.Scopes[0].Scope);
        Assert.Equal(0, s.Iterations);
        Assert.True(double.IsNaN(s.Scopes[0].LastReactionLatencyMs));
        Assert.Empty(ExpositionValidator.Validate(new PrometheusWriter().WriteString(s)));
    }

    [Fact]
    public void Write_SeveralScopes_OneSamplePerScopeInEachFamily_DaemonFiguresOnce()
    {
        var snapshot = new MetricsSnapshot { Version = "0.1.0", Scopes = [FixedScope("system"), FixedScope("/sys/fs/cgroup/memory/a")] };

        string text = new PrometheusWriter().WriteString(snapshot);

        Assert.Empty(ExpositionValidator.Validate(text));
        Assert.Contains("pardon_kills_total{scope=\"system\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("pardon_kills_total{scope=\"/sys/fs/cgroup/memory/a\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("pardon_reaction_latency_seconds_count{scope=\"/sys/fs/cgroup/memory/a\"} 3\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n'), l => l.StartsWith("pardon_pardons_active{", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_ChecksHistograms()
    {
        const string head = "# HELP h x\n# TYPE h histogram\n";
        Assert.Empty(ExpositionValidator.Validate(head + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n"));
        Assert.NotEmpty(ExpositionValidator.Validate(head + "h_bucket{le=\"1\"} 1\nh_sum 3\nh_count 1\n")); // no +Inf
        Assert.NotEmpty(ExpositionValidator.Validate(head + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 3\nh_count 1\n")); // not cumulative
        Assert.NotEmpty(ExpositionValidator.Validate(head + "h_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 3\nh_count 1\n")); // order
        Assert.NotEmpty(ExpositionValidator.Validate(head + "h_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 3\n")); // count
        Assert.NotEmpty(ExpositionValidator.Validate(head + "h_bucket 2\nh_sum 3\nh_count 2\n")); // no le
    }

    [Fact]
    public void LatencyRecorder_FillsTheHistogramsOfTheEventsScope()
    {
        var recorder = new LatencyRecorder("system");
        recorder.OnEvent(new DaemonEvent { Event = "kill", DecisionMs = 2.5 });
        recorder.OnEvent(new DaemonEvent { Event = "kill", DecisionMs = 99, Escalated = true }); // a SIGKILL after SIGTERM: not a decision
        recorder.OnEvent(new DaemonEvent { Event = "victim_exited", LatencyMs = 180 });
        recorder.OnEvent(new DaemonEvent { Event = "victim_exited", LatencyMs = 40, Scope = "/sys/fs/cgroup/memory/a" });

        (HistogramSnapshot reaction, HistogramSnapshot decision) = recorder.Snapshot("system");
        Assert.Equal(1, decision.Count);
        Assert.Equal(0.0025, decision.Sum, 9);
        Assert.Equal(1, reaction.Count);
        Assert.Equal(0, reaction.Cumulative[Array.IndexOf(LatencyHistogram.ReactionBuckets, 0.1)]);
        Assert.Equal(1, reaction.Cumulative[Array.IndexOf(LatencyHistogram.ReactionBuckets, 0.25)]);
        Assert.Equal(1, recorder.Snapshot("/sys/fs/cgroup/memory/a").Reaction.Count);
        Assert.Equal(0, recorder.Snapshot("/nowhere").Reaction.Count);
    }
}
