// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Reports;
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

    private readonly RankContext _context;
    private readonly string _socket;
    private readonly TimeSpan _interval;
    private readonly ForecastSampler _sampler;
    private DaemonView _daemon;
    private long _daemonAskedMs;

    private TopSession(RankContext context, string socket, DaemonView daemon, TimeSpan interval)
    {
        _context = context;
        _socket = socket;
        _daemon = daemon;
        _interval = interval;
        _daemonAskedMs = Clock.BootTimeMs();

        // The forecast's rates: the readings of the last few frames (at least 5 s of them).
        _sampler = new ForecastSampler(Math.Max(5000, (long)interval.TotalMilliseconds * 5));
    }

    public static TopSession Create(string? cgroup, string? configPath, TimeSpan interval)
    {
        PardonConfig config = ConfigLoader.Load(configPath);
        DaemonView daemon = DaemonView.TryConnect(config.Socket);
        RankContext context = RankContext.Create(cgroup, configPath, config.Socket);
        var session = new TopSession(context, config.Socket, daemon, interval);
        session.StartStall(config.Stall, context.Monitor.Scope.Cgroup);
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

        // Memory first, at the instant stamped; then the scan, whose length varies.
        bool read = _context.Monitor.Scope.Memory.TryRead(now, out MemorySample memory);
        Ranking ranking = _context.ScanAndRank(now, _daemon.Pardons);
        ResolvedThresholds? levels = null;
        PressureLevel pressure = PressureLevel.None;
        if (read)
        {
            ResolvedThresholds resolved = _context.Thresholds.Resolve(in memory, out _);
            pressure = resolved.Evaluate(in memory, out _);
            levels = resolved;
        }

        _sampler.Record(ranking, read ? memory : null, now);
        RankReport report = RankReportBuilder.Build(ranking, read ? memory : null, all: false, _context.Users.NameOf);
        report.Forecast = _sampler.Forecast(ranking, read ? memory : null, levels, KernelOomOutcome.Kill, _daemon.DaemonPid is not null);
        return new TopSnapshot
        {
            Report = report,
            Thresholds = _context.Thresholds,
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
        _context.Dispose();
    }
}
