// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Scopes;
using Pardon.Linux.Io;

namespace Pardon.Daemon.Monitor;

public sealed partial class MonitorLoop
{
    /// <summary>The registry's key in the deadline heap (scopes use their slot + 1).</summary>
    private const int RegistryKey = 0;

    private ScopeRegistry? _registry;

    /// <summary>
    /// Watches the memory cgroups <paramref name="patterns"/> match, now and as they come and go: each match
    /// becomes a scope (labelled with its pattern), found again within <see cref="ScopeRegistry.SettleMs"/>
    /// of an inotify event on the directories the patterns can match into. Call before <see cref="Run"/>;
    /// the cgroups matched now are added at once (without scope_added events).
    /// </summary>
    public void WatchPatterns(IReadOnlyList<CgroupPattern> patterns)
    {
        if (_registry is not null)
        {
            throw new InvalidOperationException("the patterns are already watched");
        }

        _registry = new ScopeRegistry(this, patterns, _procRoot);
        if (_registry.WatcherFd is int fd)
        {
            int errno = Epoll.Add(fd, Linux.Monitoring.EpollSet.In, EngineToken.Make(EngineToken.Watch, 0, 0));
            if (errno != 0)
            {
                throw new LinuxException("epoll_ctl (inotify)", errno);
            }
        }

        Reconcile(announce: false);
    }

    /// <summary>The patterns watched (empty without a registry).</summary>
    public IReadOnlyList<CgroupPattern> Patterns => _registry?.Patterns ?? [];

    /// <summary>Brings the scopes in line with the cgroups the patterns match now; schedules the next look when inotify cannot be relied on.</summary>
    private void Reconcile(bool announce)
    {
        if (_registry is not { } registry)
        {
            return;
        }

        try
        {
            registry.Reconcile(announce);
        }
        catch (Exception ex)
        {
            // A tree changing under the walk, a watch refused: report, and look again shortly.
            Warn("registry", null, $"looking for the cgroups to watch failed ({ex.GetType().Name}: {ex.Message}); trying again in {ScopeRegistry.FallbackMs / 1000} s");
            _deadlines.Set(RegistryKey, Linux.Io.Clock.BootTimeMs() + ScopeRegistry.FallbackMs);
            return;
        }

        if (registry.NeedsPolling)
        {
            _deadlines.Set(RegistryKey, Linux.Io.Clock.BootTimeMs() + ScopeRegistry.FallbackMs);
        }
    }
}
