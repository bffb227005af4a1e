// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon.Metrics;
using Pardon.Daemon.Monitor;

namespace Pardon.Daemon.Tests.Metrics;

/// <summary>The exposition text, byte for byte: it is a wire format, and dashboards depend on its names.</summary>
public sealed class PrometheusWriterTests
{
    internal static MetricsSnapshot Fixed(string scope = "system") => new()
    {
        Scope = scope,
        Version = "0.1.0",
        TotalKiB = 16_000_000,
        AvailableKiB = 4_000_000,
        SwapTotalKiB = 2_097_152,
        SwapFreeKiB = 1_048_576,
        TermBelowKiB = 1_600_000,
        KillBelowKiB = 800_000,
        PollIntervalMs = 250,
        Iterations = 12345,
        Scans = 678,
        Kills = 2,
        Escalations = 1,
        PressureEpisodes = 3,
        LastReactionLatencyMs = 187.5,
        SteadyIterations = 12000,
        SteadyAllocatedBytes = 0,
        Pardons = 1,
        KernelProtect = false,
        DryRun = false,
        MemoryLocked = true,
        StartTimeSeconds = 1767225600,
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

    private const string Expected = """
        # HELP pardon_build_info Pardon's version, in the version label; always 1.
        # TYPE pardon_build_info gauge
        pardon_build_info{scope="system",version="0.1.0"} 1
        # HELP pardon_start_time_seconds When the daemon started, in seconds since the Unix epoch.
        # TYPE pardon_start_time_seconds gauge
        pardon_start_time_seconds{scope="system"} 1767225600
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
        # HELP pardon_monitor_iterations_total Memory readings taken by the monitor loop.
        # TYPE pardon_monitor_iterations_total counter
        pardon_monitor_iterations_total{scope="system"} 12345
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
        # HELP pardon_reaction_latency_seconds For the last kill, from the level seen crossed to the victim's exit; NaN before the first.
        # TYPE pardon_reaction_latency_seconds gauge
        pardon_reaction_latency_seconds{scope="system"} 0.1875
        # HELP pardon_monitor_steady_iterations_total Idle monitor iterations measured for allocations.
        # TYPE pardon_monitor_steady_iterations_total counter
        pardon_monitor_steady_iterations_total{scope="system"} 12000
        # HELP pardon_monitor_steady_allocated_bytes_total Bytes the monitor thread allocated in those iterations; stays 0 when the loop is allocation-free.
        # TYPE pardon_monitor_steady_allocated_bytes_total counter
        pardon_monitor_steady_allocated_bytes_total{scope="system"} 0
        # HELP pardon_pardons_active Pardons in force.
        # TYPE pardon_pardons_active gauge
        pardon_pardons_active{scope="system"} 1
        # HELP pardon_kernel_protect 1 when pardons bind the kernel too (the daemon may set oom_score_adj -1000: CAP_SYS_RESOURCE).
        # TYPE pardon_kernel_protect gauge
        pardon_kernel_protect{scope="system"} 0
        # HELP pardon_dry_run 1 when the daemon decides and logs but never signals.
        # TYPE pardon_dry_run gauge
        pardon_dry_run{scope="system"} 0
        # HELP pardon_memory_locked 1 when the daemon's memory is locked (mlockall), so it cannot stall on page faults.
        # TYPE pardon_memory_locked gauge
        pardon_memory_locked{scope="system"} 1
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
        Assert.Contains("pardon_build_info{scope=\"/sys/fs/cgroup/a\\\\b\\\"c\\nd é\",version=\"0.1.0\"} 1\n", text, StringComparison.Ordinal);
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
        MetricsSnapshot s = Fixed();
        var snapshot = new MetricsSnapshot
        {
            Scope = s.Scope,
            Version = s.Version,
            LastReactionLatencyMs = latencyMs,
        };

        string text = new PrometheusWriter().WriteString(snapshot);

        Assert.Contains($"pardon_reaction_latency_seconds{{scope=\"system\"}} {expected}\n", text, StringComparison.Ordinal);
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

        Assert.Equal("/sys/fs/cgroup/memory/test", s.Scope);
        Assert.Equal(1767225600.5, s.StartTimeSeconds);
        Assert.Equal(10, s.Iterations);
        Assert.Equal(1, s.Escalations);
        Assert.Equal(42, s.LastReactionLatencyMs);
        Assert.Equal(2, s.Pardons);
        Assert.True(s.KernelProtect);
        Assert.Equal(500, s.AvailableKiB);
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

        Assert.Equal("system", s.Scope);
        Assert.Equal(0, s.Iterations);
        Assert.True(double.IsNaN(s.LastReactionLatencyMs));
        Assert.Empty(ExpositionValidator.Validate(new PrometheusWriter().WriteString(s)));
    }
}
