// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Events;

/// <summary>Where the daemon's events go: the JSON-lines file, the log, tests.</summary>
public interface IEventSink
{
    /// <summary>Records an event; stamps <see cref="DaemonEvent.Ts"/> when empty. Thread-safe.</summary>
    void Emit(DaemonEvent e);
}
