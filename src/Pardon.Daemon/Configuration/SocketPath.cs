// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;

namespace Pardon.Daemon.Configuration;

/// <summary>
/// What a Unix socket path may be: sun_path holds 108 bytes, the terminating NUL included (include/uapi/
/// linux/un.h UNIX_PATH_MAX), so a longer path cannot be bound or connected to — checked where the path is
/// given (configuration, --socket) rather than failing deep inside the socket code.
/// </summary>
public static class SocketPath
{
    /// <summary>The longest path, in bytes: UNIX_PATH_MAX less the NUL.</summary>
    public const int MaxBytes = 107;

    /// <summary>Null when <paramref name="path"/> can be a socket's path, else what is wrong, in words.</summary>
    public static string? Check(string path)
    {
        if (path.Length == 0)
        {
            return "the socket path is empty";
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return "the socket path contains a NUL character";
        }

        int bytes = Encoding.UTF8.GetByteCount(path);
        return bytes > MaxBytes
            ? $"\"{(path.Length > 48 ? path[..24] + "…" + path[^20..] : path)}\" is {bytes} bytes long; a Unix socket path may be at most {MaxBytes}"
            : null;
    }
}
