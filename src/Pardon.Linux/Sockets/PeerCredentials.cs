// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Pardon.Linux.Sockets;

/// <summary>
/// Who is at the other end of a Unix socket, according to the kernel (SO_PEERCRED, socket(7)): the
/// credentials of the process that called connect(2), captured at that moment. A client cannot lie about
/// them, which is why the pardon protocol takes the caller's identity from here and never from the message.
/// </summary>
public readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    /// <summary>Reads SO_PEERCRED. False when the socket is not a connected Unix socket.</summary>
    public static bool TryRead(Socket socket, out PeerCredentials credentials)
    {
        credentials = default;
        Span<byte> ucred = stackalloc byte[12];
        int length;
        try
        {
            length = socket.GetRawSocketOption(Interop.Libc.SOL_SOCKET, Interop.Libc.SO_PEERCRED, ucred);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        if (length != ucred.Length)
        {
            return false;
        }

        // struct ucred is three native 32-bit integers.
        credentials = new PeerCredentials(
            MemoryMarshal.Read<int>(ucred),
            MemoryMarshal.Read<uint>(ucred[4..]),
            MemoryMarshal.Read<uint>(ucred[8..]));
        return true;
    }

    /// <summary>The process that ran this one (getppid(2)).</summary>
    public static int ParentPid() => Interop.Libc.GetPpid();
}
