// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Reports;
using Pardon.Linux;
using Pardon.Linux.Io;

namespace Pardon.Cli.Commands;

/// <summary>
/// The state `pardon top` keeps between frames: one <see cref="ScopeMonitor"/>, so that each scan adds to the
/// processes' growth history (the "grew" figures need several readings), and the daemon's pardons, asked
/// again every few seconds rather than every frame.
/// </summary>
internal sealed partial class TopSession : IDisposable
{
    private static readonly TimeSpan s_daemonRefresh = TimeSpan.FromSeconds(5);

    private readonly ScopeMonitor _monitor;
    private readonly Thresholds _thresholds;
    private readonly string _socket;
    private readonly TimeSpan _interval;
    private readonly UserNames _users = new();
    private DaemonView _daemon;
    private long _daemonAskedMs;

    private TopSession(ScopeMonitor monitor, Thresholds thresholds, string socket, DaemonView daemon, TimeSpan interval)
    {
        _monitor = monitor;
        _thresholds = thresholds;
        _socket = socket;
        _daemon = daemon;
        _interval = interval;
        _daemonAskedMs = Clock.BootTimeMs();
    }

    public static TopSession Create(string? cgroup, string? configPath, TimeSpan interval)
    {
        PardonConfig config = ConfigLoader.Load(configPath);
        DaemonView daemon = DaemonView.TryConnect(config.Socket);
        ResolvedScope scope = ResolvedScope.Create(cgroup);
        var monitor = new ScopeMonitor(scope, config.ToPolicy(daemon.DaemonPid ?? Environment.ProcessId));
        var thresholds = new Thresholds(config.TermBelow, config.KillBelow, config.SwapTermBelow, config.SwapKillBelow);
        var session = new TopSession(monitor, thresholds, config.Socket, daemon, interval);
        session.StartStall(config.Stall, scope.Cgroup);
        return session;
    }

    public TimeSpan Interval => _interval;

    /// <summary>Scans, ranks and reads memory once: the next frame.</summary>
    public TopSnapshot Next()
    {
        long now = Clock.BootTimeMs();
        if (now - _daemonAskedMs >= s_daemonRefresh.TotalMilliseconds)
        {
            _daemon = DaemonView.TryConnect(_socket);
            _daemonAskedMs = now;
        }

        _monitor.Scan(now);
        Ranking ranking = _monitor.Rank(now, _daemon.Pardons);
        bool read = _monitor.Scope.Memory.TryRead(now, out MemorySample memory);
        ResolvedThresholds? levels = null;
        PressureLevel pressure = PressureLevel.None;
        if (read)
        {
            ResolvedThresholds resolved = _thresholds.Resolve(in memory);
            pressure = resolved.Evaluate(in memory, out _);
            levels = resolved;
        }

        return new TopSnapshot
        {
            Report = RankReportBuilder.Build(ranking, read ? memory : null, all: false, _users.NameOf),
            Thresholds = _thresholds,
            Levels = levels,
            Pressure = pressure,
            DaemonNote = _daemon.Note,
            Time = DateTime.Now,
            Interval = _interval,
            Stall = StallLine(now),
        };
    }

    public void Dispose()
    {
        _stall?.Dispose();
        _monitor.Dispose();
    }
}
