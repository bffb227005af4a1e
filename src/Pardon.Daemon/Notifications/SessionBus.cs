// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Net.Sockets;
using Pardon.Linux.Security;
using Tmds.DBus.Protocol;

namespace Pardon.Daemon.Notifications;

/// <summary>
/// Users' D-Bus session buses at RUNTIME_DIR/UID/bus (systemd-logind's /run/user/UID, the
/// DBUS_SESSION_BUS_ADDRESS of every graphical session), and one Notify call on one of them.
/// </summary>
public sealed class SessionBus
{
    private readonly string _runtimeDir;

    /// <param name="runtimeDir">/run/user; tests point it at a directory of their own.</param>
    public SessionBus(string runtimeDir = "/run/user")
    {
        _runtimeDir = runtimeDir;
    }

    /// <summary>The users with a session bus now (a numeric directory owned by that uid, holding a `bus` socket).</summary>
    public List<uint> Users()
    {
        var users = new List<uint>();
        try
        {
            foreach (string dir in Directory.EnumerateDirectories(_runtimeDir))
            {
                if (uint.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out uint uid) && HasBus(uid))
                {
                    users.Add(uid);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        users.Sort();
        return users;
    }

    /// <summary>Whether <paramref name="uid"/> has a session bus here, in a directory that user owns.</summary>
    public bool HasBus(uint uid)
    {
        string dir = Path.Combine(_runtimeDir, uid.ToString(CultureInfo.InvariantCulture));
        return Owner(dir) is (uint owner, _) && owner == uid && File.Exists(Path.Combine(dir, "bus"));
    }

    /// <summary>
    /// Connects to <paramref name="uid"/>'s bus with that user's credentials (<see cref="UserSocket"/>: must run
    /// on a thread of the caller's own), then sends org.freedesktop.Notifications.Notify and waits (at most
    /// <paramref name="timeout"/>) for the notification's id.
    /// </summary>
    public uint Notify(uint uid, DesktopNotification n, TimeSpan timeout)
    {
        string dir = Path.Combine(_runtimeDir, uid.ToString(CultureInfo.InvariantCulture));
        if (Owner(dir) is not (uint owner, uint gid) || owner != uid)
        {
            throw new IOException($"{dir} is not a session directory of uid {uid}");
        }

        Socket socket = UserSocket.Connect(Path.Combine(dir, "bus"), uid, gid);
        var options = new StreamConnectionOptions(new NetworkStream(socket, ownsSocket: true), uid);
        using var connection = new DBusConnection(options);
        Task<uint> call = Call(connection, n);
        if (!call.Wait(timeout))
        {
            throw new TimeoutException($"the session bus of uid {uid} did not answer within {timeout.TotalSeconds:0.#} s");
        }

        return call.Result;
    }

    private static async Task<uint> Call(DBusConnection connection, DesktopNotification n)
    {
        await connection.ConnectAsync().ConfigureAwait(false);
        MessageBuffer message;
        using (MessageWriter writer = connection.GetMessageWriter())
        {
            writer.WriteMethodCallHeader(
                destination: "org.freedesktop.Notifications",
                path: "/org/freedesktop/Notifications",
                @interface: "org.freedesktop.Notifications",
                member: "Notify",
                signature: "susssasa{sv}i");
            writer.WriteString("Pardon");          // app_name
            writer.WriteUInt32(0);                 // replaces_id: a new notification
            writer.WriteString("dialog-warning");  // app_icon
            writer.WriteString(n.Summary);
            writer.WriteString(n.Body);
            writer.WriteArray(System.Array.Empty<string>()); // actions
            ArrayStart hints = writer.WriteDictionaryStart();
            writer.WriteDictionaryEntryStart();
            writer.WriteString("urgency");
            writer.WriteVariantByte(n.Urgency);
            writer.WriteDictionaryEntryStart();
            writer.WriteString("desktop-entry");
            writer.WriteVariantString("pardon");
            writer.WriteDictionaryEnd(hints);
            writer.WriteInt32(-1);                 // expire_timeout: the server's default
            message = writer.CreateMessage();
        }

        return await connection.CallMethodAsync(message, static (Message m, object? _) => m.GetBodyReader().ReadUInt32(), null).ConfigureAwait(false);
    }

    private static (uint Uid, uint Gid)? Owner(string dir)
    {
        // lstat: a symlink in place of the directory is not a session directory.
        return Directory.Exists(dir) ? UserSocket.OwnerOf(dir) : null;
    }
}
