// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;
using Pardon.Linux.Io;

namespace Pardon.Linux.Monitoring;

/// <summary>
/// The monitor's one sleep: an epoll(7) instance whose set of descriptors grows and shrinks while the
/// daemon runs — the stop eventfd, each scope's wake-ups (PSI triggers, cgroup threshold eventfds), the
/// pidfds of victims being waited for, inotify watches of cgroup directories. Each registration carries a
/// 64-bit token the caller chooses and gets back with the event, so finding who woke costs nothing
/// whatever the number of descriptors. The event buffer is allocated once; waiting allocates nothing.
/// <para>
/// A registered descriptor must be removed (<see cref="Remove"/>) before its owner closes it: the kernel
/// drops a closed file from the set only when no other reference to the file remains (epoll(7), Q6).
/// Used from one thread (the monitor's); <see cref="Dispose"/> after that thread has ended.
/// </para>
/// </summary>
public sealed unsafe class EpollSet : IDisposable
{
    public const uint In = Interop.Libc.EPOLLIN;
    public const uint Pri = Interop.Libc.EPOLLPRI;
    public const uint Err = Interop.Libc.EPOLLERR;
    public const uint Hup = Interop.Libc.EPOLLHUP;

    private readonly SafeFdHandle _handle;
    private readonly byte[] _events;
    private readonly int _stride = Interop.Libc.EpollEventSize;
    private readonly int _dataOffset = Interop.Libc.EpollDataOffset;
    private int _ready;

    /// <param name="maxEvents">How many ready descriptors one <see cref="Wait"/> returns at most (the rest wait for the next).</param>
    public EpollSet(int maxEvents = 64)
    {
        int fd = Interop.Libc.EpollCreate1(Interop.Libc.EPOLL_CLOEXEC);
        if (fd < 0)
        {
            throw new LinuxException("epoll_create1", Marshal.GetLastPInvokeError());
        }

        _handle = new SafeFdHandle(fd);
        _events = new byte[Math.Max(1, maxEvents) * _stride];
    }

    /// <summary>How many descriptors are registered.</summary>
    public int Count { get; private set; }

    /// <summary>Registers <paramref name="fd"/> for <paramref name="events"/> (EPOLLERR and EPOLLHUP are always reported). Returns 0 or an errno.</summary>
    public int Add(int fd, uint events, ulong token)
    {
        int errno = Control(Interop.Libc.EPOLL_CTL_ADD, fd, events, token);
        if (errno == 0)
        {
            Count++;
        }

        return errno;
    }

    /// <summary>Changes what <paramref name="fd"/> is registered for, or its token. Returns 0 or an errno.</summary>
    public int Modify(int fd, uint events, ulong token) => Control(Interop.Libc.EPOLL_CTL_MOD, fd, events, token);

    /// <summary>Unregisters <paramref name="fd"/>. Returns 0 or an errno (ENOENT when it was not registered).</summary>
    public int Remove(int fd)
    {
        int errno = Control(Interop.Libc.EPOLL_CTL_DEL, fd, 0, 0);
        if (errno == 0)
        {
            Count--;
        }

        return errno;
    }

    /// <summary>
    /// Sleeps until a registered descriptor is ready or <paramref name="timeoutMs"/> passes (-1: no limit).
    /// Returns how many are ready (0 on timeout or when a signal interrupted the wait); read them with
    /// <see cref="GetEvent"/>.
    /// </summary>
    public int Wait(int timeoutMs)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            fixed (byte* p = _events)
            {
                int n = Interop.Libc.EpollWait(_handle.Fd, p, _events.Length / _stride, timeoutMs);

                // <0: EINTR (a signal); the caller's loop re-reads its deadlines either way.
                _ready = Math.Max(n, 0);
                return _ready;
            }
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>The <paramref name="index"/>-th ready descriptor of the last <see cref="Wait"/>: its token and what it is ready for.</summary>
    public ulong GetEvent(int index, out uint events)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_ready, nameof(index));
        ReadOnlySpan<byte> e = _events.AsSpan(index * _stride, _stride);
        events = MemoryMarshal.Read<uint>(e);
        return MemoryMarshal.Read<ulong>(e[_dataOffset..]);
    }

    private int Control(int op, int fd, uint events, ulong token)
    {
        Span<byte> ev = stackalloc byte[16];
        ev.Clear();
        MemoryMarshal.Write(ev, in events);
        MemoryMarshal.Write(ev[_dataOffset..], in token);
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            fixed (byte* p = ev)
            {
                return Interop.Libc.EpollCtl(_handle.Fd, op, fd, p) == 0 ? 0 : Marshal.GetLastPInvokeError();
            }
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    public void Dispose() => _handle.Dispose();
}
