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
using Pardon.Linux.Io;
using Pardon.Linux.Monitoring;

namespace Pardon.Daemon.Service;

/// <summary>
/// `pardon daemon`: loads the configuration, resolves the scope, protects itself, starts the pardon socket,
/// arms the kernel's wake-ups, runs the monitor loop on its own thread until SIGTERM/SIGINT, and reports
/// everything as events.
/// </summary>
public sealed partial class PardonDaemon : IDisposable
{
    public static string Version => BuildInfo.Version;

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

        if (options.Cgroups.Count > 0 || options.System)
        {
            // The command line's scopes replace the configuration's.
            var scopes = new List<string>();
            if (options.System)
            {
                scopes.Add(PardonConfig.SystemScope);
            }

            foreach (string c in options.Cgroups)
            {
                scopes.Add(c.StartsWith('/') ? c : Path.GetFullPath(c));
            }

            config.Scopes = scopes;
        }

        if (options.MetricsListen is string listen && !MetricsAddress.TryParse(listen, out _, out string listenProblem))
        {
            throw new ConfigException("--metrics-listen: " + listenProblem);
        }

        ConfigLoader.ApplyStallOverrides(config, options.StallAbove, options.StallOff, options.StallFor);
        config.Socket = options.Socket ?? config.Socket;
        config.StateFile = PardonConfig.ResolveStateFile(config, options.State);
        config.EventsFile = options.EventsFile ?? config.EventsFile;
        config.MetricsListen = options.MetricsListen ?? config.MetricsListen;
        config.MetricsTextfile = options.MetricsTextfile ?? config.MetricsTextfile;
        var v = new ConfigLoader.Validator();
        ConfigLoader.CheckLevels(config, v);
        if (v.Problems.Count > 0)
        {
            // The file passed its own checks, so a problem now involves a flag: name the flags given.
            string Flags(string problem)
            {
                problem = options.TermBelow is null ? problem : problem.Replace("thresholds.term_below", "--term-below", StringComparison.Ordinal);
                return options.KillBelow is null ? problem : problem.Replace("thresholds.kill_below", "--kill-below", StringComparison.Ordinal);
            }

            List<string> problems = v.Problems.Select(Flags).ToList();
            throw problems.Count == 1 ? new ConfigException(problems[0]) : new ConfigException("command line", problems);
        }

        return config;
    }

    /// <summary>
    /// The levels checked against the size of each scope named at start (the system, a cgroup directory):
    /// a level that cannot fit is a usage error before anything starts. A cgroup matched later, or by a
    /// glob, acts at the fallback levels with a `levels_do_not_fit` warning instead: one odd pod must not
    /// stop the daemon that watches the others.
    /// </summary>
    private void RefuseUnfitLevels(ScopePlan plan, Thresholds thresholds, PardonConfig config)
    {
        var named = new List<string?>();
        if (plan.System)
        {
            named.Add(null);
        }

        named.AddRange(plan.Patterns.Where(p => !p.IsGlob).Select(p => (string?)p.Text));
        foreach (string? directory in named)
        {
            ResolvedScope scope;
            try
            {
                scope = ResolvedScope.Create(directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                continue; // not a memory cgroup: the monitor says so in its own words when it adds the scope
            }

            using (scope)
            {
                if (scope.Memory.TryRead(Clock.BootTimeMs(), out MemorySample first))
                {
                    LevelCheck.RefuseIfUnfit(thresholds, first, scope.Cgroup is { } c ? $"cgroup {c.Path}'s" : "the system's", _options, config.Source);
                }
            }
        }
    }

    private static string NotRootHint() => ErrorText.IsRoot
        ? ""
        : " (the daemon normally runs as root; as another user, give --socket a path in a directory you may write)";

    /// <summary>Asks a running <see cref="Run"/> to stop (from a signal handler or a test).</summary>
    public void RequestStop() => _stop.Signal();

    /// <summary>Runs until stopped. Returns the process exit code.</summary>
    public int Run()
    {
        PardonConfig config = LoadConfig(_options);
        Config = config;
        ScopePlan plan = ScopePlan.From(config);
        var thresholds = new Thresholds(config.TermBelow, config.KillBelow, config.SwapTermBelow, config.SwapKillBelow);
        if (!_options.NoSocket && PathAccess.WhyCannotCreate(config.Socket) is string why)
        {
            // Before anything is started or logged, so that this is the one line a mistaken start prints.
            throw new IOException($"cannot create the pardon socket {config.Socket}: {why}{NotRootHint()}");
        }

        if (!_options.NoSocket && Path.GetDirectoryName(config.StateFile) is { Length: > 0 } stateDirectory)
        {
            // The state's directory is checked (ownership, mode) where the pardon service opens it; checked here
            // as well, a mistaken --state is the one line the start prints, before any warning.
            try
            {
                using Pardon.Linux.Security.SecureDirectory checkedDirectory = Pardon.Linux.Security.SecureDirectory.Open(stateDirectory);
            }
            catch (IOException ex)
            {
                throw new IOException($"{(_options.State is not null ? "--state" : "pardon.state")} {config.StateFile}: {ex.Message}", ex);
            }
        }

        RefuseUnfitLevels(plan, thresholds, config);
        try
        {
            _events = CreateEventLog(config);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot open the events file {config.EventsFile}: {ErrorText.Describe(ex)}", ex);
        }

        _owned.Add(_events);
        _events.HoldUntilStart(); // the log starts with `start`; start-up warnings follow it
        StartConsumers(config, _events, plan.System || plan.Patterns.Count == 0 ? PardonConfig.SystemScope : plan.Patterns[0].Text);

        ProtectSelf();
        PardonService? pardons = null;
        if (!_options.NoSocket)
        {
            pardons = new PardonService(config, _events, Status, config.Socket);
            _owned.Add(pardons);
            try
            {
                pardons.Start();
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or System.Net.Sockets.SocketException)
            {
                throw new IOException($"cannot create the pardon socket {config.Socket}: {ErrorText.Describe(ex)}{NotRootHint()}", ex);
            }

            _pardons = pardons;
        }

        using SystemdNotifier? systemd = SystemdNotifier.FromEnvironment();
        var settings = new MonitorSettings
        {
            Thresholds = thresholds,
            DryRun = _options.DryRun,
            KillGrace = config.KillGrace,
            PollMin = config.PollMinInterval,
            PollMax = config.PollMaxInterval,
            AssumedFillRateBytesPerSecond = config.AssumedFillRateBytesPerSecond,

            // Four growth records per window keep its checkpoints (moved every half window) meaningful.
            CoveredScanInterval = TimeSpan.FromTicks(Math.Clamp(config.GrowthWindow.Ticks / 4, TimeSpan.TicksPerSecond, 10 * TimeSpan.TicksPerSecond)),
            Stall = config.Stall,
        };
        _loop = new MonitorLoop(settings, config.ToPolicy(Environment.ProcessId), _events, pardons?.View, pardons is null ? null : pardons.OnScan, _stop, systemd is null ? null : systemd.PingWatchdog);
        _owned.Add(_loop);
        if (plan.System)
        {
            _loop.AddScope(ResolvedScope.Create(null, _loop.SystemMemory), null, announce: false, warn: Warn);
        }

        if (plan.Patterns.Count > 0)
        {
            _loop.WatchPatterns(plan.Patterns);
        }

        ScopeStatistics? primary = _loop.Statistics.Scopes.Count > 0 ? _loop.Statistics.Scopes[0] : null;
        if (_loop.ScopeCount == 1 && primary is not null)
        {
            _wakeupDescriptions.AddRange(primary.Wakeups);
        }

        _wakeupDescriptions.Add($"adaptive polling {Sizes.FormatDuration(config.PollMinInterval)}..{Sizes.FormatDuration(config.PollMaxInterval)}");

        StartMetrics(config);

        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);
        using PosixSignalRegistration hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup);

        // Warm and lock before announcing: "start" means the monitor runs with its working set resident.
        PrepareAndLock(_loop);
        var thread = new Thread(_loop.Run) { Name = "pardon-monitor", IsBackground = true };
        thread.Start();
        string scopeText = WatchedText(plan, primary);
        List<string> watched = [.. (plan.System ? (string[])[PardonConfig.SystemScope] : []), .. plan.Patterns.Select(p => p.Text)];
        _events.Emit(new DaemonEvent
        {
            Event = "start",
            Version = Version,
            Scope = primary?.Label,
            Scopes = watched,
            Config = config.Source,
            DaemonPid = Environment.ProcessId,
            DryRun = _options.DryRun,
            TermBelowKiB = primary?.LastThresholds.TermKiB,
            KillBelowKiB = primary?.LastThresholds.KillKiB,
            AvailableKiB = primary?.LastSample.AvailableKiB,
            TotalKiB = primary?.LastSample.TotalKiB,
            PsiSource = primary?.PsiSource,
            StallAbovePercent = primary?.Stall.AbovePercent,
            StallWindowMs = primary is { Stall.Enabled: true } ? primary.Stall.ForMs : null,
            StallKind = primary is { Stall.Enabled: true } ? primary.Stall.KindText : null,
            Message = primary is { } p1 && _loop.ScopeCount == 1
                ? string.Create(CultureInfo.InvariantCulture,
                    $"Pardon {Version} watching {scopeText}: available {Units.FormatKiB(p1.LastSample.AvailableKiB)} of {Units.FormatKiB(p1.LastSample.TotalKiB)}; SIGTERM at {Units.FormatKiB(p1.LastThresholds.TermKiB)} ({config.TermBelow}), SIGKILL at {Units.FormatKiB(p1.LastThresholds.KillKiB)} ({config.KillBelow}){StallText(p1)}{(_options.DryRun ? "; dry run: nothing will be killed" : "")}; config: {config.Source}")
                : string.Create(CultureInfo.InvariantCulture,
                    $"Pardon {Version} watching {scopeText}: {_loop.ScopeCount} scope(s) now; SIGTERM at {config.TermBelow}, SIGKILL at {config.KillBelow} of each scope's memory{(_options.DryRun ? "; dry run: nothing will be killed" : "")}; config: {config.Source}"),
        });

        systemd?.Notify($"READY=1\nSTATUS=watching {scopeText}");
        thread.Join();

        systemd?.Notify("STOPPING=1");

        // No request is answered (nor event emitted for one) after "stop": the socket closes first.
        pardons?.Dispose();
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
        IReadOnlyList<ScopeStatistics> scopes = s?.Scopes ?? [];
        ScopeStatistics? first = scopes.Count > 0 ? scopes[0] : null;
        bool single = scopes.Count == 1;
        (EventPipelineStatus? events, ConsumerCounters? hooks, ConsumerCounters? notifications) = EventStatus();
        return new DaemonStatus
        {
            Pid = Environment.ProcessId,
            Version = Version,
            Started = EventLog.FormatTimestamp(_started),
            UptimeSeconds = (long)(DateTimeOffset.UtcNow - _started).TotalSeconds,
            Scope = single ? (first!.Kind == ScopeKind.System ? "system" : "cgroup") : scopes.Count == 0 && _loop?.Patterns.Count == 0 ? "system" : "multiple",
            Cgroup = single && first!.Kind == ScopeKind.Cgroup ? first.Label : null,
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
            LockedKiB = SelfProtection.LockedKiB(),
            Pardons = _pardons?.View.Count ?? 0,
            KernelProtect = _pardons?.KernelProtectAvailable ?? false,
            Wakeups = [.. _wakeupDescriptions],
            Warnings = [.. _warnings],
            Patterns = _loop is { Patterns.Count: > 0 } loop ? [.. loop.Patterns.Select(p => p.Text)] : null,
            Scopes = [.. scopes.Select(ToStatus)],
            Events = events,
            Hooks = hooks,
            Notifications = notifications,
            Prediction = StatusPrediction.Build(first is { Kind: ScopeKind.Cgroup } primaryScope ? primaryScope.Label : null, s),
            Stall = first is not null ? StallStatus.From(first) : null,
        };
    }

    private static ScopeStatus ToStatus(ScopeStatistics x) => new()
    {
        Path = x.Label,
        Kind = x.Kind == ScopeKind.System ? "system" : "cgroup",
        Pattern = x.Pattern,
        Limited = x.Limited,
        TotalKiB = x.LastSample.TotalKiB,
        AvailableKiB = x.LastSample.AvailableKiB,
        TermBelowKiB = x.LastThresholds.TermKiB,
        KillBelowKiB = x.LastThresholds.KillKiB,
        PollIntervalMs = Math.Round(x.LastPollIntervalMs, 2),
        Kills = x.Kills,
        LastKill = x.LastKill,
        InEpisode = x.InEpisode,
        VictimPending = x.VictimPending,
        Wakeups = [.. x.Wakeups],
    };

    /// <summary>"system", "cgroup PATH (v1)" for one plain directory, or the list of what is watched.</summary>
    private string WatchedText(ScopePlan plan, ScopeStatistics? primary)
    {
        if (_loop!.ScopeCount == 1 && primary is not null && plan.Patterns.All(p => !p.IsGlob) && (plan.Patterns.Count + (plan.System ? 1 : 0)) == 1)
        {
            return plan.System ? "system" : $"cgroup {primary.Label}";
        }

        IEnumerable<string> parts = plan.Patterns.Select(p => p.Text);
        return string.Join(" and ", (plan.System ? (IEnumerable<string>)["the system"] : []).Concat(["cgroups " + string.Join(", ", parts)]).Where(t => t != "cgroups "));
    }

    private void Warn(string code, string message)
    {
        _warnings.Add(message);
        _events!.Emit(new DaemonEvent { Event = "warning", Code = code, Message = message });
    }

    private void StartMetrics(PardonConfig config)
    {
        MetricsSnapshot Snapshot() => MetricsSnapshot.From(_loop?.Statistics, Status(), _latencies);
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
            Warn("mlockall", $"cannot lock the daemon's memory (mlockall: {Errors.Describe(errno)}); under heavy pressure it may stall on page faults");
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
