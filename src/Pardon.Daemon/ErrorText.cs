// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Net.Sockets;

namespace Pardon.Daemon;

/// <summary>
/// A file or socket failure in a few plain words ("permission denied", "no such file"), so a message never
/// depends on the runtime's resource strings (which a trimmed build may replace by their keys) and never
/// repeats the path the caller names anyway.
/// </summary>
public static class ErrorText
{
    public static string Describe(Exception ex) => ex switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such directory",
        PathTooLongException => "the path is too long",
        SocketException s => s.SocketErrorCode switch
        {
            SocketError.AccessDenied => "permission denied",
            SocketError.AddressAlreadyInUse => "the address is in use",
            SocketError.AddressNotAvailable => "the address is not available on this machine",
            SocketError.ConnectionRefused => "connection refused",
            _ => s.Message,
        },
        _ => ex.Message,
    };

    /// <summary>Whether the process runs as root (effective uid 0).</summary>
    public static bool IsRoot => Environment.IsPrivilegedProcess;
}
