// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Collections.Concurrent;
using System.Diagnostics;
using Pardon.Daemon.Events;

namespace Pardon.Daemon.Notifications;

/// <summary>
/// Tells users' desktops (org.freedesktop.Notifications on their session buses) when Pardon stops a
/// process, and — with `notifications.warnings` — when memory reaches a level. The victim's owner is told
/// when they have a session bus; a victim of a user without one (root, a service) is announced to every
/// user with a session. <see cref="OnEvent"/> only queues (it runs on the event pipeline's thread); one
/// thread of its own connects and calls, so a slow or hostile bus delays nothing else, and it is the only
/// thread whose credentials ever change (<see cref="Pardon.Linux.Security.UserSocket"/>). Rate-limited per
/// user: at most one notification per <see cref="NotificationSettings.MinInterval"/>; events in between
/// are folded into the next one ("N more like this"). Failures are `notification` warnings (coalesced).
/// </summary>
public sealed class DesktopNotifier : IEventConsumer, IDisposable
{
    private readonly SessionBus _bus;
    private readonly IEventSink _events;
    private readonly ConcurrentQueue<DaemonEvent> _queue = new();
    private readonly SemaphoreSlim _work = new(0);
    private readonly Thread _thread;
    private readonly Dictionary<uint, UserState> _users = [];
    private volatile NotificationSettings _settings;
    private volatile bool _stopping;
    private int _queued;
    private long _sent;
    private long _failed;
    private long _dropped;

    public DesktopNotifier(NotificationSettings settings, SessionBus bus, IEventSink events)
    {
        _settings = settings;
        _bus = bus;
        _events = events;
        _thread = new Thread(Run, 512 * 1024) { Name = "pardon-notify", IsBackground = true };
        _thread.Start();
    }

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Update(NotificationSettings settings) => _settings = settings;

    public void OnEvent(DaemonEvent e)
    {
        NotificationSettings s = _settings;
        bool wanted = !_stopping && s.Enabled && ((e.Event == "kill" && e.DryRun != true && e.Escalated != true) || (e.Event == "pressure" && s.Warnings));
        if (!wanted)
        {
            return;
        }

        if (Interlocked.Increment(ref _queued) > s.QueueLimit)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _dropped);
            return;
        }

        _queue.Enqueue(e);
        _work.Release();
    }

    private void Run()
    {
        while (!_stopping)
        {
            long now = Stopwatch.GetTimestamp();
            int wait = SendDue(now);
            _work.Wait(wait);
            while (_queue.TryDequeue(out DaemonEvent? e))
            {
                Interlocked.Decrement(ref _queued);
                foreach (uint uid in Recipients(e))
                {
                    if (!_users.TryGetValue(uid, out UserState? user))
                    {
                        _users[uid] = user = new UserState();
                    }

                    // Kills outrank warnings: a pending kill is never replaced by a later pressure event.
                    if (user.Pending is null || e.Event == "kill" || user.Pending.Event != "kill")
                    {
                        user.Pending = e;
                    }

                    user.PendingCount++;
                }
            }
        }
    }

    /// <summary>Sends what each user may receive now; returns how long to wait for the next (ms, or infinite).</summary>
    private int SendDue(long now)
    {
        long intervalTicks = (long)(_settings.MinInterval.TotalSeconds * Stopwatch.Frequency);
        long next = long.MaxValue;
        foreach ((uint uid, UserState user) in _users)
        {
            if (user.Pending is null)
            {
                continue;
            }

            long due = user.LastSent == 0 ? now : user.LastSent + intervalTicks;
            if (due > now)
            {
                next = Math.Min(next, due);
                continue;
            }

            DaemonEvent e = user.Pending;
            long more = user.PendingCount - 1;
            user.Pending = null;
            user.PendingCount = 0;
            user.LastSent = now;
            if (DesktopNotification.From(e, more) is DesktopNotification n)
            {
                Send(uid, n);
            }
        }

        return next == long.MaxValue ? Timeout.Infinite : (int)Math.Clamp((next - now) * 1000 / Stopwatch.Frequency + 1, 1, int.MaxValue);
    }

    private List<uint> Recipients(DaemonEvent e)
    {
        if (e.Event == "kill" && e.Uid is uint owner && _bus.HasBus(owner))
        {
            return [owner];
        }

        return _bus.Users();
    }

    private void Send(uint uid, DesktopNotification n)
    {
        try
        {
            _bus.Notify(uid, n, _settings.CallTimeout);
            Interlocked.Increment(ref _sent);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _failed);
            _events.Emit(new DaemonEvent
            {
                Event = "warning",
                Code = "notification",
                Uid = uid,
                Message = $"could not notify the desktop of uid {uid}: {(ex is AggregateException { InnerException: Exception inner } ? inner.Message : ex.Message)}",
            });
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _work.Release();
        if (_thread.Join(TimeSpan.FromSeconds(2)))
        {
            _work.Dispose();
        }
    }

    private sealed class UserState
    {
        public DaemonEvent? Pending;
        public long PendingCount;
        public long LastSent;
    }
}
