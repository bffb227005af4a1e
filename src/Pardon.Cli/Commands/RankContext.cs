// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon;
using Pardon.Daemon.Configuration;
using Pardon.Linux;
using Pardon.Linux.Io;

namespace Pardon.Cli.Commands;

/// <summary>
/// What `rank`, `explain` and `top` need: the configuration's policy and levels, the scope, and — when a daemon
/// is running — its pardons and pid, so the prediction is the daemon's own. For a cgroup whose ancestor's OOM
/// strikes first, the processes are read from that ancestor's subtree (the kernel's OOM there scans them all,
/// siblings included) and ranked against the scope, which marks those outside it.
/// </summary>
internal sealed partial class RankContext : IDisposable
{
    private readonly VictimSelector _selector;
    private ScopeMonitor? _scanner;

    private RankContext(ScopeMonitor monitor, IPardonView? pardons, string? daemonNote, int? daemonPid, Thresholds thresholds)
    {
        DaemonPid = daemonPid;
        Monitor = monitor;
        Pardons = pardons;
        DaemonNote = daemonNote;
        Thresholds = thresholds;
        _selector = new VictimSelector(monitor.Policy);
    }

    /// <summary>The scope asked for: its memory, its OOM scope, its policy.</summary>
    public ScopeMonitor Monitor { get; }

    /// <summary>The configured levels: to tell a shortage from a forecast, and for the forecast itself.</summary>
    public Thresholds Thresholds { get; }

    public IPardonView? Pardons { get; }

    /// <summary>The running daemon's pid, or null.</summary>
    public int? DaemonPid { get; }

    /// <summary>A line saying whether the daemon's pardons were taken into account.</summary>
    public string? DaemonNote { get; }

    /// <summary>The last ranking made (reused between calls).</summary>
    public Ranking Ranking { get; } = new();

    public UserNames Users { get; } = new();

    public static RankContext Create(string? cgroup, string? configPath, string? socket)
    {
        PardonConfig config = ConfigLoader.Load(configPath);
        DaemonView daemon = DaemonView.TryConnect(socket ?? config.Socket);
        int selfPid = daemon.DaemonPid ?? Environment.ProcessId;
        ResolvedScope scope = ResolvedScope.Create(cgroup);
        var thresholds = new Thresholds(config.TermBelow, config.KillBelow, config.SwapTermBelow, config.SwapKillBelow);
        return new RankContext(new ScopeMonitor(scope, config.ToPolicy(selfPid, Environment.ProcessId)), daemon.Pardons, daemon.Note, daemon.DaemonPid, thresholds) { Stall = config.Stall };
    }

    /// <summary>Scans the processes the kernel's first OOM would consider and ranks them in the scope.</summary>
    public Ranking ScanAndRank(long nowMs, IPardonView? pardons)
    {
        OomScope scope = Monitor.Scope.ComputeOomScope();
        ReadOnlySpan<ProcessFacts> processes;
        if (scope.OomingCgroup is string ooming && ooming != scope.Path)
        {
            if (_scanner is null || _scanner.Scope.Cgroup?.Path != ooming)
            {
                _scanner?.Dispose();
                _scanner = new ScopeMonitor(ResolvedScope.Create(ooming), Monitor.Policy);
            }

            _scanner.Scan(nowMs);
            processes = _scanner.Processes;
            scope = scope with { ScanRoot = ooming };
        }
        else
        {
            Monitor.Scan(nowMs);
            processes = Monitor.Processes;
        }

        _selector.Rank(scope, processes, nowMs, pardons, Ranking, Clock.ClockTicksPerSecond);
        return Ranking;
    }

    public Ranking ScanAndRank(IPardonView? pardons) => ScanAndRank(Clock.BootTimeMs(), pardons);

    public void Dispose()
    {
        _scanner?.Dispose();
        Monitor.Dispose();
    }
}
