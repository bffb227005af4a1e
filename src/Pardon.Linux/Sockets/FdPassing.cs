// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;
using Pardon.Linux.Io;

namespace Pardon.Linux.Sockets;

/// <summary>
/// Descriptors passed over a Unix stream socket with SCM_RIGHTS (unix(7)): how a client in another pid
/// namespace names its target without a pid, by sending a pidfd the daemon can read its own pid from. The
/// kernel attaches the descriptors to the bytes of the sendmsg(2) they came with; a reader that does not ask
/// for them (read(2), recv(2)) has them closed, so an old daemon simply never sees them.
/// </summary>
public static unsafe class FdPassing
{
    /// <summary>The most descriptors taken from one recvmsg(2); more in one message are closed by the kernel (MSG_CTRUNC).</summary>
    public const int MaxDescriptors = 4;

    // CMSG_SPACE(MaxDescriptors * sizeof(int)): the 16-byte header, then the ints, rounded up to 8.
    private const int ControlBytes = 16 + (((MaxDescriptors * sizeof(int)) + 7) & ~7);

    /// <summary>
    /// Sends <paramref name="data"/> with <paramref name="descriptor"/> attached, without blocking (MSG_DONTWAIT,
    /// MSG_NOSIGNAL). Returns the bytes sent (the descriptor went with them), or a negative errno (-EAGAIN when
    /// the socket's buffer is full: nothing was sent).
    /// </summary>
    public static int SendWithDescriptor(SafeHandle socket, ReadOnlySpan<byte> data, int descriptor)
    {
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            byte* control = stackalloc byte[ControlBytes];
            new Span<byte>(control, ControlBytes).Clear();
            var header = (Interop.Libc.CmsgHdr*)control;
            header->cmsg_len = (nuint)(16 + sizeof(int));
            header->cmsg_level = Interop.Libc.SOL_SOCKET;
            header->cmsg_type = Interop.Libc.SCM_RIGHTS;
            *(int*)(control + 16) = descriptor;
            fixed (byte* p = data)
            {
                var iov = new Interop.Libc.IoVec { iov_base = p, iov_len = (nuint)data.Length };
                var msg = new Interop.Libc.MsgHdr
                {
                    msg_iov = &iov,
                    msg_iovlen = 1,
                    msg_control = control,
                    msg_controllen = (nuint)(16 + 8), // CMSG_SPACE(sizeof(int))
                };
                while (true)
                {
                    nint n = Interop.Libc.SendMsg((int)socket.DangerousGetHandle(), &msg, Interop.Libc.MSG_DONTWAIT | Interop.Libc.MSG_NOSIGNAL);
                    if (n >= 0)
                    {
                        return (int)n;
                    }

                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != Interop.Errno.EINTR)
                    {
                        return -errno;
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Receives without blocking into <paramref name="buffer"/>, with the descriptors that came with those bytes
    /// (close-on-exec). Up to <paramref name="descriptors"/>' length are returned through it (their count in
    /// <paramref name="descriptorCount"/>); any beyond are closed here. Returns the bytes received, 0 at the end of
    /// input, or a negative errno (-EAGAIN: nothing is waiting).
    /// </summary>
    public static int Receive(SafeHandle socket, Span<byte> buffer, Span<int> descriptors, out int descriptorCount)
    {
        descriptorCount = 0;
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            byte* control = stackalloc byte[ControlBytes];
            fixed (byte* p = buffer)
            {
                var iov = new Interop.Libc.IoVec { iov_base = p, iov_len = (nuint)buffer.Length };
                var msg = new Interop.Libc.MsgHdr
                {
                    msg_iov = &iov,
                    msg_iovlen = 1,
                    msg_control = control,
                    msg_controllen = ControlBytes,
                };
                nint n;
                while (true)
                {
                    n = Interop.Libc.RecvMsg((int)socket.DangerousGetHandle(), &msg, Interop.Libc.MSG_DONTWAIT | Interop.Libc.MSG_CMSG_CLOEXEC);
                    if (n >= 0)
                    {
                        break;
                    }

                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != Interop.Errno.EINTR)
                    {
                        return -errno;
                    }
                }

                // Walk the control messages (CMSG_FIRSTHDR/CMSG_NXTHDR): each SCM_RIGHTS carries ints after its header.
                nuint length = msg.msg_controllen;
                nuint offset = 0;
                while (offset + 16 <= length)
                {
                    var header = (Interop.Libc.CmsgHdr*)(control + offset);
                    nuint cmsgLength = header->cmsg_len;
                    if (cmsgLength < 16 || offset + cmsgLength > length)
                    {
                        break;
                    }

                    if (header->cmsg_level == Interop.Libc.SOL_SOCKET && header->cmsg_type == Interop.Libc.SCM_RIGHTS)
                    {
                        int count = (int)((cmsgLength - 16) / sizeof(int));
                        for (int i = 0; i < count; i++)
                        {
                            int fd = *(int*)(control + offset + 16 + (nuint)(i * sizeof(int)));
                            if (descriptorCount < descriptors.Length)
                            {
                                descriptors[descriptorCount++] = fd;
                            }
                            else
                            {
                                Interop.Libc.Close(fd);
                            }
                        }
                    }

                    offset += (cmsgLength + 7) & ~(nuint)7;
                }

                return (int)n;
            }
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>Closes a descriptor <see cref="Receive"/> returned and the caller does not keep.</summary>
    public static void Close(int descriptor) => Interop.Libc.Close(descriptor);

    /// <summary>Takes ownership of a received descriptor.</summary>
    internal static SafeFdHandle Own(int descriptor) => new(descriptor);
}
