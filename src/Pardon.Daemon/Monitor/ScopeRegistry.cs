// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;
using Pardon.Core.Scopes;
using Pardon.Linux;
using Pardon.Linux.Cgroups;
using Pardon.Linux.Monitoring;

namespace Pardon.Daemon.Monitor;

/// <summary>
/// Reconciles the configured `--cgroup` patterns with the live cgroup tree: every memory cgroup a pattern
/// matches is a scope of the monitor, added when it appears and ended when it goes. It does not poll: an
/// inotify watch on each directory the patterns can match into (<see cref="CgroupPatternWalker"/>) reports
/// subdirectories made and removed, and only then is the tree looked at again (after a short settle, so a
/// burst of mkdirs is one look and a new cgroup's limit — written just after its mkdir — is already there).
/// Without inotify (or out of watches) it falls back to looking every <see cref="FallbackMs"/>.
/// Used on the monitor thread only.
/// </summary>
internal sealed class ScopeRegistry : IDisposable
{
    /// <summary>How long after a directory event the tree is looked at again.</summary>
    public const long SettleMs = 100;

    /// <summary>How often the tree is looked at when inotify cannot be relied on.</summary>
    public const long FallbackMs = 2000;

    private readonly MonitorLoop _loop;
    private readonly string _procRoot;
    private readonly DirectoryWatcher? _watcher;
    private readonly Dictionary<string, int> _watchByPath = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _pathByWatch = [];
    private readonly Dictionary<string, string> _owned = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);
    private bool _changed;
    private bool _watchFailureReported;

    public ScopeRegistry(MonitorLoop loop, IReadOnlyList<CgroupPattern> patterns, string procRoot)
    {
        _loop = loop;
        Patterns = patterns;
        _procRoot = procRoot;
        _watcher = DirectoryWatcher.TryCreate(out int errno);
        if (_watcher is null)
        {
            NeedsPolling = true;
            _loop.Events.Emit(new Events.DaemonEvent
            {
                Event = "warning",
                Code = "inotify",
                Message = $"cannot watch cgroup directories (inotify_init1: {Marshal.GetPInvokeErrorMessage(errno)}); new and removed cgroups are looked for every {FallbackMs / 1000} s",
            });
        }
    }

    public IReadOnlyList<CgroupPattern> Patterns { get; }

    /// <summary>The inotify descriptor for the epoll set, or null without inotify.</summary>
    public int? WatcherFd => _watcher?.Fd;

    /// <summary>True when changes cannot all be seen through inotify (no inotify, a watch refused): look periodically.</summary>
    public bool NeedsPolling { get; private set; }

    /// <summary>How many directories are watched.</summary>
    public int Watches => _watchByPath.Count;

    /// <summary>Reads the queued inotify events; true when the tree should be looked at again.</summary>
    public bool OnReadable()
    {
        _changed = false;
        _watcher?.Drain(OnEvent);
        return _changed;
    }

    /// <summary>
    /// Walks what the patterns match now: new memory cgroups become scopes (a `scope_added` event when
    /// <paramref name="announce"/>), scopes whose cgroup is gone or no longer matches end (`scope_removed`),
    /// and the watches follow the directories that could lead to a match.
    /// </summary>
    public void Reconcile(bool announce)
    {
        var matches = new Dictionary<string, string>(StringComparer.Ordinal);
        var watch = new HashSet<string>(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (CgroupPattern pattern in Patterns)
        {
            found.Clear();
            CgroupPatternWalker.Walk(pattern, found, watch);
            foreach (string path in found.Order(StringComparer.Ordinal))
            {
                matches.TryAdd(path, pattern.Text);
            }
        }

        // Scopes that ended on their own (their files vanished) are forgotten; those whose cgroup is gone end now.
        foreach (string label in _owned.Keys.ToArray())
        {
            if (!_loop.IsWatched(label))
            {
                _owned.Remove(label);
            }
            else if (!matches.ContainsKey(label))
            {
                _owned.Remove(label);
                _loop.EndScope(label, Directory.Exists(label) ? "it no longer matches a --cgroup pattern" : "its cgroup was removed");
            }
        }

        _refused.IntersectWith(matches.Keys);
        foreach ((string path, string pattern) in matches)
        {
            if (_loop.IsWatched(path) || _refused.Contains(path))
            {
                continue;
            }

            ResolvedScope resolved;
            try
            {
                resolved = ResolvedScope.Create(path, _loop.SystemMemory, _procRoot);
            }
            catch (ScopeException)
            {
                // Matched by a glob but not a memory cgroup (a v2 directory without the memory controller):
                // not a scope, and not worth a warning each time the tree is looked at.
                _refused.Add(path);
                continue;
            }
            catch (IOException)
            {
                continue; // removed while we looked
            }
            catch (UnauthorizedAccessException)
            {
                _refused.Add(path);
                continue;
            }

            try
            {
                _loop.AddScope(resolved, pattern, announce);
                _owned[path] = pattern;
            }
            catch (IOException)
            {
                // Its memory could not be read (removed meanwhile): the next event or look tries again.
            }
        }

        SyncWatches(watch);
    }

    private void SyncWatches(HashSet<string> wanted)
    {
        if (_watcher is null)
        {
            return;
        }

        foreach (string path in _watchByPath.Keys.ToArray())
        {
            if (!wanted.Contains(path))
            {
                int wd = _watchByPath[path];
                _watchByPath.Remove(path);
                _pathByWatch.Remove(wd);
                _watcher.Unwatch(wd);
            }
        }

        bool failed = false;
        foreach (string path in wanted)
        {
            if (_watchByPath.ContainsKey(path))
            {
                continue;
            }

            int wd = _watcher.Watch(path);
            if (wd < 0)
            {
                failed = true;
                if (!_watchFailureReported)
                {
                    _watchFailureReported = true;
                    _loop.Events.Emit(new Events.DaemonEvent
                    {
                        Event = "warning",
                        Code = "inotify",
                        Message = $"cannot watch {path} (inotify_add_watch: {Marshal.GetPInvokeErrorMessage(-wd)}; fs.inotify.max_user_watches?); new and removed cgroups are also looked for every {FallbackMs / 1000} s",
                    });
                }

                continue;
            }

            _watchByPath[path] = wd;
            _pathByWatch[wd] = path;
        }

        NeedsPolling = failed;
    }

    private void OnEvent(int wd, DirectoryChange change, string name)
    {
        _ = name;
        if (change == DirectoryChange.WatchEnded)
        {
            // The kernel dropped the watch (its directory is gone): forget it; the look that follows may add it again.
            if (_pathByWatch.Remove(wd, out string? path))
            {
                _watchByPath.Remove(path);
            }
        }

        _changed = true;
    }

    public void Dispose() => _watcher?.Dispose();
}
