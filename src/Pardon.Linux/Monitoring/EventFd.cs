// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;
using Pardon.Linux.Io;

namespace Pardon.Linux.Monitoring;

/// <summary>An eventfd(2): a counter another thread (or the kernel) bumps to wake a poll(2).</summary>
public sealed unsafe class EventFd : IDisposable
{
    private readonly SafeFdHandle _handle;

    public EventFd()
    {
        int fd = Interop.Libc.EventFd(0, Interop.Libc.EFD_CLOEXEC | Interop.Libc.EFD_NONBLOCK);
        if (fd < 0)
        {
            throw new LinuxException("eventfd", Marshal.GetLastPInvokeError());
        }

        _handle = new SafeFdHandle(fd);
    }

    public int Fd => _handle.Fd;

    /// <summary>Adds one to the counter, waking whoever polls it.</summary>
    public void Signal()
    {
        ulong one = 1;
        Interop.Libc.Write(_handle.Fd, (byte*)&one, sizeof(ulong));
    }

    /// <summary>Reads and clears the counter (non-blocking); returns its value, 0 when it was not signalled.</summary>
    public ulong Drain()
    {
        ulong value = 0;
        nint n = Interop.Libc.Read(_handle.Fd, (byte*)&value, sizeof(ulong));
        return n == sizeof(ulong) ? value : 0;
    }

    public void Dispose() => _handle.Dispose();
}
