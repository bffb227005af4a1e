// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Pardon.Daemon.Service;

/// <summary>
/// sd_notify(3) without libsystemd: datagrams to $NOTIFY_SOCKET ("@" names an abstract socket). READY=1
/// once running, STOPPING=1 on the way out, and WATCHDOG=1 from the monitor thread itself at half the
/// $WATCHDOG_USEC interval, so a stalled monitor — not just a live process — is what systemd watches.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private static readonly byte[] s_watchdog = "WATCHDOG=1"u8.ToArray();
    private readonly Socket _socket;
    private readonly long _watchdogTicks;
    private long _lastPing;

    private SystemdNotifier(Socket socket, long watchdogTicks)
    {
        _socket = socket;
        _watchdogTicks = watchdogTicks;
    }

    /// <summary>True when systemd asked for watchdog pings.</summary>
    public bool WatchdogEnabled => _watchdogTicks > 0;

    /// <summary>The notifier systemd's environment asks for, or null when not started by systemd with Type=notify.</summary>
    public static SystemdNotifier? FromEnvironment()
    {
        string? path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        if (path[0] == '@')
        {
            path = "\0" + path[1..];
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }

        long watchdogTicks = 0;
        string? usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        string? pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out long us) && us > 0 &&
            (string.IsNullOrEmpty(pid) || pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture)))
        {
            // Ping at half the interval, as sd_watchdog_enabled(3) recommends.
            watchdogTicks = us * Stopwatch.Frequency / 1_000_000 / 2;
        }

        return new SystemdNotifier(socket, watchdogTicks);
    }

    public void Notify(string state)
    {
        try
        {
            _socket.Send(Encoding.UTF8.GetBytes(state));
        }
        catch (SocketException)
        {
            // systemd went away (a test harness, a restart): notifications are best effort.
        }
    }

    /// <summary>Sends WATCHDOG=1 when half the interval has passed. Allocation-free; called every monitor iteration.</summary>
    public void PingWatchdog()
    {
        if (_watchdogTicks == 0)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (now - _lastPing < _watchdogTicks)
        {
            return;
        }

        _lastPing = now;
        try
        {
            _socket.Send(s_watchdog);
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose() => _socket.Dispose();
}
