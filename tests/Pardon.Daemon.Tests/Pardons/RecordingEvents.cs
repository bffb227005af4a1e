// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Daemon.Events;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>An event sink that keeps every event, for assertions.</summary>
public sealed class RecordingEvents : IEventSink
{
    private readonly Lock _lock = new();
    private readonly List<DaemonEvent> _events = [];

    public void Emit(DaemonEvent e)
    {
        lock (_lock)
        {
            _events.Add(e);
        }
    }

    public List<DaemonEvent> All()
    {
        lock (_lock)
        {
            return [.. _events];
        }
    }

    public List<DaemonEvent> Of(string kind) => All().Where(e => e.Event == kind).ToList();
}
