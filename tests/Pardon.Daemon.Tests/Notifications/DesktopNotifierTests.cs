// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.Versioning;
using Pardon.Daemon.Events;
using Pardon.Daemon.Notifications;
using Pardon.Daemon.Tests.Pardons;
using Tmds.DBus.Protocol;

namespace Pardon.Daemon.Tests.Notifications;

/// <summary>Notifications delivered over a real session bus (dbus-daemon) to a notification server written in the test.</summary>
[SupportedOSPlatform("linux")]
public sealed class DesktopNotifierTests : IClassFixture<SessionBusFixture>
{
    private readonly SessionBusFixture _bus;
    private readonly RecordingEvents _events = new();

    public DesktopNotifierTests(SessionBusFixture bus)
    {
        _bus = bus;
    }

    private static DaemonEvent Kill(int pid, uint uid = SessionBusFixture.User, bool dryRun = false) => new()
    {
        Event = "kill", Pid = pid, Comm = "memhog", Uid = uid, Signal = "SIGTERM", RssKiB = 487_526, AvailableKiB = 51_204, TotalKiB = 524_288,
        Scope = "/sys/fs/cgroup/memory/test", DryRun = dryRun ? true : null,
        Spared = [new SparedReport { Pid = 812, Comm = "i3lock", Reason = "pardoned", RssKiB = 40_960, Rule = "/usr/bin/i3lock" }],
        Message = $"SIGTERM to {pid}",
    };

    private bool Ready()
    {
        if (_bus.Missing is string why)
        {
            Assert.True(Environment.GetEnvironmentVariable("PARDON_E2E_REQUIRED") != "1", why);
            return false;
        }

        return true;
    }

    private List<NotificationServer.Call> WaitForCalls(int count, int before)
    {
        SpinWait.SpinUntil(() => _bus.Server.Calls().Count >= before + count, TimeSpan.FromSeconds(15));
        return _bus.Server.Calls().Skip(before).ToList();
    }

    [Fact]
    public void Kill_TheOwnersDesktopIsToldWhatWhyHowMuchAndWhoWasSpared()
    {
        if (!Ready())
        {
            return;
        }

        int before = _bus.Server.Calls().Count;
        using (var notifier = new DesktopNotifier(new NotificationSettings(), new SessionBus(_bus.RuntimeDir), _events))
        {
            notifier.OnEvent(Kill(4242));
            List<NotificationServer.Call> calls = WaitForCalls(1, before);
            NotificationServer.Call call = Assert.Single(calls);
            Assert.Equal("Pardon", call.App);
            Assert.Equal("Pardon stopped memhog (4242)", call.Summary);
            Assert.Contains("was sent SIGTERM, which held 476.1 MiB of memory", call.Body, StringComparison.Ordinal);
            Assert.Contains("50 MiB of 512 MiB available in /sys/fs/cgroup/memory/test", call.Body, StringComparison.Ordinal);
            Assert.Contains("Spared by a pardon: i3lock (812, 40 MiB)", call.Body, StringComparison.Ordinal);
            Assert.Contains("2", call.Hints["urgency"], StringComparison.Ordinal);
            Assert.True(SpinWait.SpinUntil(() => notifier.Sent == 1, TimeSpan.FromSeconds(10))); // counted once the reply is in
        }

        Assert.Empty(_events.All());
    }

    [Fact]
    public void RootWithoutSwitchingCredentials_IsRefusedByTheSessionBus()
    {
        if (!Ready())
        {
            return;
        }

        // The premise of the credential switch: the bus accepts its own user only, not root.
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(_bus.BusPath));
        using var connection = new DBusConnection(new StreamConnectionOptions(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true), 0));
        Exception? error = Record.Exception(() => connection.ConnectAsync().AsTask().Wait(TimeSpan.FromSeconds(10)));
        Assert.NotNull(error);
    }

    [Fact]
    public void RapidKills_AreRateLimited_TheLaterOnesFoldedIntoOneNotification()
    {
        if (!Ready())
        {
            return;
        }

        int before = _bus.Server.Calls().Count;
        using var notifier = new DesktopNotifier(new NotificationSettings { MinInterval = TimeSpan.FromSeconds(1) }, new SessionBus(_bus.RuntimeDir), _events);
        DateTime firstSent = DateTime.UtcNow; // the interval runs from the first notification's sending, at or after this
        notifier.OnEvent(Kill(1));
        WaitForCalls(1, before);
        notifier.OnEvent(Kill(2));
        notifier.OnEvent(Kill(3));
        notifier.OnEvent(Kill(4));

        List<NotificationServer.Call> calls = WaitForCalls(2, before);
        Thread.Sleep(1500); // nothing more arrives: three kills, one notification
        calls = _bus.Server.Calls().Skip(before).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal("Pardon stopped memhog (4)", calls[1].Summary);
        Assert.Contains("(2 more like this since the last notification.)", calls[1].Body, StringComparison.Ordinal);
        // From the first one's sending, not its arrival: the first connect to a session bus can take most of the
        // interval on a loaded machine, so arrivals may be closer together than the sendings are.
        Assert.True(calls[1].At - firstSent >= TimeSpan.FromMilliseconds(950), $"{calls[1].At - firstSent} after the first was sent");
    }

    [Fact]
    public void VictimWithoutASession_EveryDesktopIsTold_DryRunsAreNot()
    {
        if (!Ready())
        {
            return;
        }

        int before = _bus.Server.Calls().Count;
        using (var notifier = new DesktopNotifier(new NotificationSettings(), new SessionBus(_bus.RuntimeDir), _events))
        {
            notifier.OnEvent(Kill(10, dryRun: true));
            notifier.OnEvent(Kill(11, uid: 0)); // root's process: no session bus of its own here
            WaitForCalls(1, before);
            Thread.Sleep(300);
        }

        NotificationServer.Call call = Assert.Single(_bus.Server.Calls().Skip(before));
        Assert.Equal("Pardon stopped memhog (11)", call.Summary);
    }

    [Fact]
    public void NoBus_IsReportedAsAWarning()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir["1000"]);
        using var notifier = new DesktopNotifier(new NotificationSettings(), new SessionBus(dir.Path), _events);

        // No bus at all: a root-owned victim goes to nobody, silently; nothing fails.
        notifier.OnEvent(Kill(5, uid: 0));
        Thread.Sleep(300);
        Assert.Empty(_events.All());
        Assert.Equal(0, notifier.Sent);
    }
}
