// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Events;

/// <summary>
/// Something that acts on events after they are written (hooks, notifications, latency histograms). Called
/// on the event pipeline's thread, never on the thread that raised the event: it must return at once (hand
/// slow work to a thread of its own) and must not throw.
/// </summary>
public interface IEventConsumer
{
    void OnEvent(DaemonEvent e);
}
