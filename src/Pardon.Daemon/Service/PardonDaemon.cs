// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Runtime.InteropServices;
using Pardon.Core;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Events;
using Pardon.Daemon.Metrics;
using Pardon.Daemon.Monitor;
using Pardon.Daemon.Pardons;
using Pardon.Linux;
using Pardon.Linux.Monitoring;

namespace Pardon.Daemon.Service;

/// <summary>
/// `pardon daemon`: loads the configuration, resolves the scope, protects itself, starts the pardon socket,
/// arms the kernel's wake-ups, runs the monitor loop on its own thread until SIGTERM/SIGINT, and reports
/// everything as events.
/// </summary>
public sealed partial class PardonDaemon : IDisposable
{
    public const string Version = "0.1.0";

    private readonly DaemonOptions _options;
    private readonly TextWriter _log;
    private readonly List<IDisposable> _owned = [];
    private readonly EventFd _stop = new();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private EventLog? _events;
    private PardonService? _pardons;
    private MonitorLoop? _loop;
    private bool _mlocked;
    private readonly List<string> _wakeupDescriptions = [];
    private readonly List<string> _warnings = [];

    public PardonDaemon(DaemonOptions options, TextWriter log)
    {
        _options = options;
        _log = log;
    }

    /// <summary>The configuration after command-line overrides (set once <see cref="Run"/> has loaded it).</summary>
    public PardonConfig? Config { get; private set; }

    public MonitorStatistics? Statistics => _loop?.Statistics;

    /// <summary>Loads and validates the configuration with the command line's overrides applied.</summary>
    public static PardonConfig LoadConfig(DaemonOptions options)
    {
        PardonConfig config = ConfigLoader.Load(options.ConfigPath);
        if (options.TermBelow is MemoryLevel term)
        {
            config.TermBelow = term;
        }

        if (options.KillBelow is MemoryLevel kill)
        {
            config.KillBelow = kill;
        }

        ConfigLoader.ApplyStallOverrides(config, options.StallAbove, options.StallOff, options.StallFor);
        config.Socket = options.Socket ?? config.Socket;
        config.EventsFile = options.EventsFile ?? config.EventsFile;
        config.MetricsListen = options.MetricsListen ?? config.MetricsListen;
        config.MetricsTextfile = options.MetricsTextfile ?? config.MetricsTextfile;
        var v = new ConfigLoader.Validator();
        ConfigLoader.CheckLevels(config, v);
        if (v.Problems.Count > 0)
        {
            throw new ConfigException("command line", v.Problems.Select(p => p.Replace("thresholds.term_below", "--term-below", StringComparison.Ordinal).Replace("thresholds.kill_below", "--kill-below", StringComparison.Ordinal)).ToList());
        }

        return config;
    }

    /// <summary>Asks a running <see cref="Run"/> to stop (from a signal handler or a test).</summary>
    public void RequestStop() => _stop.Signal();

    /// <summary>Runs until stopped. Returns the process exit code.</summary>
    public int Run()
    {
        PardonConfig config = LoadConfig(_options);
        Config = config;
        ResolvedScope scope = ResolvedScope.Create(_options.Cgroup);
        _events = new EventLog(config.EventsFile, _log, _options.JsonLog);
        _owned.Add(_events);
        _events.HoldUntilStart(); // the log starts with `start`; start-up warnings follow it

        ProtectSelf();
        PardonService? pardons = null;
        if (!_options.NoSocket)
        {
            pardons = new PardonService(config, _events, Status, config.Socket);
            _owned.Add(pardons);
            pardons.Start();
            _pardons = pardons;
        }

        var thresholds = new Thresholds(config.TermBelow, config.KillBelow, config.SwapTermBelow, config.SwapKillBelow);
        using SystemdNotifier? systemd = SystemdNotifier.FromEnvironment();
        var settings = new MonitorSettings
        {
            Thresholds = thresholds,
            DryRun = _options.DryRun,
            KillGrace = config.KillGrace,
            PollMin = config.PollMinInterval,
            PollMax = config.PollMaxInterval,
            AssumedFillRateBytesPerSecond = config.AssumedFillRateBytesPerSecond,
            Stall = config.Stall,
        };
        _loop = new MonitorLoop(settings, config.ToPolicy(Environment.ProcessId), _events, pardons?.Ledger, pardons is null ? null : pardons.OnScan, _stop, systemd is null ? null : systemd.PingWatchdog);
        _owned.Add(_loop);
        ScopeStatistics primary = _loop.AddScope(scope, _options.Cgroup, announce: false, warn: Warn);
        MemorySample first = primary.LastSample;
        ResolvedThresholds levels = primary.LastThresholds;
        _wakeupDescriptions.AddRange(primary.Wakeups);
        _wakeupDescriptions.Add($"adaptive polling {Sizes.FormatDuration(config.PollMinInterval)}..{Sizes.FormatDuration(config.PollMaxInterval)}");

        StartMetrics(config);

        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);

        // Warm and lock before announcing: "start" means the monitor runs with its working set resident.
        PrepareAndLock(_loop);
        var thread = new Thread(_loop.Run) { Name = "pardon-monitor", IsBackground = true };
        thread.Start();
        string scopeText = scope.Cgroup is { } cg ? $"cgroup {cg.Path} (v{(int)cg.Version})" : "system";
        _events.Emit(new DaemonEvent
        {
            Event = "start",
            Version = Version,
            Scope = primary.Label,
            Scopes = [primary.Label],
            Config = config.Source,
            DaemonPid = Environment.ProcessId,
            DryRun = _options.DryRun,
            TermBelowKiB = levels.TermKiB,
            KillBelowKiB = levels.KillKiB,
            AvailableKiB = first.AvailableKiB,
            TotalKiB = first.TotalKiB,
            PsiSource = primary.PsiSource,
            StallAbovePercent = primary.Stall.AbovePercent,
            StallWindowMs = primary.Stall.Enabled ? primary.Stall.ForMs : null,
            StallKind = primary.Stall.Enabled ? primary.Stall.KindText : null,
            Message = string.Create(CultureInfo.InvariantCulture,
                $"Pardon {Version} watching {scopeText}: available {Units.FormatKiB(first.AvailableKiB)} of {Units.FormatKiB(first.TotalKiB)}; SIGTERM at {Units.FormatKiB(levels.TermKiB)} ({config.TermBelow}), SIGKILL at {Units.FormatKiB(levels.KillKiB)} ({config.KillBelow}){StallText(primary)}{(_options.DryRun ? "; dry run: nothing will be killed" : "")}; config: {config.Source}"),
        });

        systemd?.Notify($"READY=1\nSTATUS=watching {scopeText}");
        thread.Join();

        systemd?.Notify("STOPPING=1");
        _events.Emit(new DaemonEvent
        {
            Event = "stop",
            DaemonPid = Environment.ProcessId,
            Message = string.Create(CultureInfo.InvariantCulture, $"stopping after {_loop.Statistics.Kills} kill(s)"),
        });
        return 0;
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Handle it ourselves: stop the loop, emit "stop", dispose cleanly.
        context.Cancel = true;
        _stop.Signal();
    }

    /// <summary>The figures `pardon status` shows.</summary>
    public DaemonStatus Status()
    {
        MonitorStatistics? s = _loop?.Statistics;
        PardonConfig? c = Config;
        return new DaemonStatus
        {
            Pid = Environment.ProcessId,
            Version = Version,
            Started = EventLog.FormatTimestamp(_started),
            UptimeSeconds = (long)(DateTimeOffset.UtcNow - _started).TotalSeconds,
            Scope = _options.Cgroup is null ? "system" : "cgroup",
            Cgroup = _options.Cgroup,
            Config = c?.Source ?? "",
            DryRun = _options.DryRun,
            TotalKiB = s?.LastSample.TotalKiB ?? 0,
            AvailableKiB = s?.LastSample.AvailableKiB ?? 0,
            SwapTotalKiB = s?.LastSample.SwapTotalKiB ?? 0,
            SwapFreeKiB = s?.LastSample.SwapFreeKiB ?? 0,
            TermBelowKiB = s?.LastThresholds.TermKiB ?? 0,
            KillBelowKiB = s?.LastThresholds.KillKiB ?? 0,
            PollIntervalMs = Math.Round(s?.LastPollIntervalMs ?? 0, 2),
            Kills = s?.Kills ?? 0,
            LastKill = s?.LastKill,
            Mlocked = _mlocked,
            Pardons = _pardons?.Ledger.Count ?? 0,
            KernelProtect = _pardons?.KernelProtectAvailable ?? false,
            Wakeups = [.. _wakeupDescriptions],
            Warnings = [.. _warnings],
            Stall = s?.Scopes is [{ } first, ..] ? StallStatus.From(first) : null,
        };
    }

    private void Warn(string code, string message)
    {
        _warnings.Add(message);
        _events!.Emit(new DaemonEvent { Event = "warning", Code = code, Message = message });
    }

    private void StartMetrics(PardonConfig config)
    {
        MetricsSnapshot Snapshot() => MetricsSnapshot.From(_loop?.Statistics, Status());
        if (config.MetricsListen is string listen)
        {
            MetricsServer server = MetricsServer.Create(listen, Snapshot);
            _owned.Add(server);
            server.Start();
        }

        if (config.MetricsTextfile is string textfile)
        {
            // Reported straight to the event log: the writer's timer thread must not touch _warnings.
            var writer = new TextfileWriter(textfile, Snapshot, warn: m => _events!.Emit(new DaemonEvent { Event = "warning", Code = "metrics_textfile", Message = m }));
            _owned.Add(writer);
            writer.Start();
        }
    }

    /// <summary>
    /// Start-up pages out, the kill path in, then everything locked: the resident, locked set is what the
    /// monitor and a kill need (see <see cref="SelfProtection.ReleaseStartupPages"/>).
    /// </summary>
    private void PrepareAndLock(MonitorLoop loop)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        SelfProtection.ReleaseStartupPages();
        loop.WarmUp();
        int errno = SelfProtection.LockMemory();
        _mlocked = errno == 0;
        if (!_mlocked)
        {
            Warn("mlockall", $"cannot lock the daemon's memory (mlockall: {Marshal.GetPInvokeErrorMessage(errno)}); under heavy pressure it may stall on page faults");
        }
    }

    private void ProtectSelf()
    {
        // Lower our own oom_score_adj so the kernel never picks the daemon. Refused without
        // CAP_SYS_RESOURCE (fs/proc/base.c __set_oom_adj(): below oom_score_adj_min needs it).
        try
        {
            File.WriteAllText("/proc/self/oom_score_adj", "-1000");
        }
        catch (UnauthorizedAccessException)
        {
            Warn("oom_score_adj", "cannot lower the daemon's own oom_score_adj (no CAP_SYS_RESOURCE); the kernel's OOM killer could choose the daemon itself, though it is small and rarely will");
        }
        catch (IOException ex)
        {
            Warn("oom_score_adj", $"cannot lower the daemon's own oom_score_adj: {ex.Message}");
        }
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _stop.Dispose();
    }
}
