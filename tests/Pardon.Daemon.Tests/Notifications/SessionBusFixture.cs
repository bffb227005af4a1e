// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Runtime.Versioning;
using Pardon.Daemon.Notifications;
using Pardon.Linux.Security;
using Tmds.DBus.Protocol;

namespace Pardon.Daemon.Tests.Notifications;

/// <summary>
/// A real `dbus-daemon --session` run as an unprivileged user (uid 65534, as a desktop user's bus runs as
/// that user) with its socket at RUNTIME/65534/bus, and a notification server written here that owns
/// org.freedesktop.Notifications on it and records every Notify call. Needs root (to start the bus as
/// another user) and dbus-daemon (scripts/setup installs it); without them the tests fail with the reason
/// when PARDON_E2E_REQUIRED=1 (CI), and are skipped otherwise.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SessionBusFixture : IDisposable
{
    public const uint User = 65534;
    private readonly Process? _daemon;
    private readonly DBusConnection? _server;

    public SessionBusFixture()
    {
        RuntimeDir = Directory.CreateTempSubdirectory("pardon-notify-").FullName;
        File.SetUnixFileMode(RuntimeDir, (UnixFileMode)0b111_101_101);
        if (!Environment.IsPrivilegedProcess || !File.Exists("/usr/bin/dbus-daemon") || !File.Exists("/usr/bin/setpriv"))
        {
            Missing = "needs root, /usr/bin/dbus-daemon and /usr/bin/setpriv (scripts/setup installs dbus-daemon)";
            return;
        }

        string userDir = Path.Combine(RuntimeDir, User.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(userDir);
        File.SetUnixFileMode(userDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Chown(userDir, User);
        BusPath = Path.Combine(userDir, "bus");

        var psi = new ProcessStartInfo("/usr/bin/setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/dbus-daemon", "--session", "--nofork", "--nopidfile", "--address=unix:path=" + BusPath, "--print-address"])
        {
            psi.ArgumentList.Add(a);
        }

        _daemon = Process.Start(psi)!;
        string? address = _daemon.StandardOutput.ReadLine(); // printed once it listens
        if (address is null || !File.Exists(BusPath))
        {
            throw new InvalidOperationException("dbus-daemon did not start: " + _daemon.StandardError.ReadToEnd());
        }

        // The server connects as the bus's user too: a session bus accepts nobody else.
        System.Net.Sockets.Socket socket = ConnectAsUser(BusPath);
        _server = new DBusConnection(new StreamConnectionOptions(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true), User));
        _server.ConnectAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        _server.AddMethodHandler(Server);
        _server.RequestNameAsync("org.freedesktop.Notifications", RequestNameOptions.Default).Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>Why the tests cannot run here, or null.</summary>
    public string? Missing { get; }

    public string RuntimeDir { get; }

    public string BusPath { get; } = "";

    public NotificationServer Server { get; } = new();

    /// <summary>Connects to the bus socket as <see cref="User"/>, on a thread of its own (the credentials switch is per thread).</summary>
    public static System.Net.Sockets.Socket ConnectAsUser(string path)
    {
        System.Net.Sockets.Socket? socket = null;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try
            {
                socket = UserSocket.Connect(path, User, User);
            }
            catch (Exception ex)
            {
                error = ex;
            }
        });
        t.Start();
        t.Join();
        return socket ?? throw new InvalidOperationException("connect as 65534 failed", error);
    }

    private static void Chown(string path, uint uid)
    {
        using Process p = Process.Start("/bin/chown", [$"{uid}:{uid}", path])!;
        p.WaitForExit();
    }

    public void Dispose()
    {
        _server?.Dispose();
        if (_daemon is { HasExited: false })
        {
            _daemon.Kill();
            _daemon.WaitForExit(5000);
        }

        _daemon?.Dispose();
        Directory.Delete(RuntimeDir, recursive: true);
    }
}
