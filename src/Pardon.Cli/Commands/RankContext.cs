// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon;
using Pardon.Daemon.Configuration;
using Pardon.Linux;

namespace Pardon.Cli.Commands;

/// <summary>
/// What `rank` and `explain` need: the configuration's policy, the scope, and — when a daemon is
/// running — its pardons and pid, so the prediction is the daemon's own.
/// </summary>
internal sealed partial class RankContext : IDisposable
{
    private RankContext(ScopeMonitor monitor, IPardonView? pardons, string? daemonNote, int? daemonPid)
    {
        DaemonPid = daemonPid;
        Monitor = monitor;
        Pardons = pardons;
        DaemonNote = daemonNote;
    }

    public ScopeMonitor Monitor { get; }

    public IPardonView? Pardons { get; }

    /// <summary>The running daemon's pid, or null.</summary>
    public int? DaemonPid { get; }

    /// <summary>A line saying whether the daemon's pardons were taken into account.</summary>
    public string? DaemonNote { get; }

    public UserNames Users { get; } = new();

    public static RankContext Create(string? cgroup, string? configPath, string? socket)
    {
        PardonConfig config = ConfigLoader.Load(configPath);
        DaemonView daemon = DaemonView.TryConnect(socket ?? config.Socket);
        int selfPid = daemon.DaemonPid ?? Environment.ProcessId;
        ResolvedScope scope = ResolvedScope.Create(cgroup);
        return new RankContext(new ScopeMonitor(scope, config.ToPolicy(selfPid, Environment.ProcessId)), daemon.Pardons, daemon.Note, daemon.DaemonPid) { Stall = config.Stall };
    }

    public void Dispose() => Monitor.Dispose();
}
