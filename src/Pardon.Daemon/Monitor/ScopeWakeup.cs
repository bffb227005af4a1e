// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Monitor;

/// <summary>
/// A descriptor that ends a scope's sleep early: a PSI trigger (EPOLLPRI) or a cgroup v1 threshold eventfd
/// (EPOLLIN). <paramref name="Owner"/> is disposed when the scope ends, after the descriptor has left the
/// epoll set; <paramref name="Drain"/> runs on the monitor thread when it fires and must not allocate.
/// </summary>
public sealed record ScopeWakeup(IDisposable Owner, int Fd, uint Events, Action Drain, string Description);
