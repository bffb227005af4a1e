// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;
using Pardon.Linux.Io;

namespace Pardon.Linux.Monitoring;

/// <summary>
/// inotify(7) on directories, for subdirectories created and removed: how the daemon notices a cgroup made
/// (or removed) after it started without listing every directory every second. cgroupfs (kernfs) reports
/// mkdir and rmdir through the VFS like any file system: IN_CREATE / IN_DELETE on the parent, IN_DELETE_SELF
/// and IN_IGNORED on the directory removed. The descriptor goes into the monitor's epoll set; when it is
/// readable, <see cref="Drain"/> reads the queued events into a buffer allocated once.
/// </summary>
public sealed unsafe class DirectoryWatcher : IDisposable
{
    /// <summary>What every watch asks for: subdirectories appearing or going, and the directory itself going.</summary>
    private const uint Mask = Interop.Libc.IN_CREATE | Interop.Libc.IN_DELETE | Interop.Libc.IN_MOVED_FROM | Interop.Libc.IN_MOVED_TO |
        Interop.Libc.IN_DELETE_SELF | Interop.Libc.IN_MOVE_SELF | Interop.Libc.IN_ONLYDIR;

    private readonly SafeFdHandle _handle;
    private readonly byte[] _buffer = new byte[16 * 1024];

    private DirectoryWatcher(SafeFdHandle handle)
    {
        _handle = handle;
    }

    /// <summary>The inotify descriptor, for the epoll set (EPOLLIN).</summary>
    public int Fd => _handle.Fd;

    /// <summary>Creates the inotify instance; null with the errno when the kernel refuses (no inotify, out of instances).</summary>
    public static DirectoryWatcher? TryCreate(out int errno)
    {
        int fd = Interop.Libc.InotifyInit1(Interop.Libc.IN_NONBLOCK | Interop.Libc.IN_CLOEXEC);
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        return new DirectoryWatcher(new SafeFdHandle(fd));
    }

    /// <summary>Watches <paramref name="directory"/>; returns the watch descriptor (the same one again for a directory already watched), or −errno.</summary>
    public int Watch(string directory)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            int wd = Interop.Libc.InotifyAddWatch(_handle.Fd, directory, Mask);
            return wd >= 0 ? wd : -Marshal.GetLastPInvokeError();
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>Stops watching; a watch the kernel already dropped (its directory removed) is not an error.</summary>
    public void Unwatch(int wd)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            _ = Interop.Libc.InotifyRmWatch(_handle.Fd, wd);
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Reads every queued event and reports each (watch descriptor, what happened, the child's name or "").
    /// Returns how many were read. Non-blocking: returns 0 at once when nothing is queued.
    /// </summary>
    public int Drain(Action<int, DirectoryChange, string> onEvent)
    {
        int count = 0;
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            while (true)
            {
                nint n;
                fixed (byte* p = _buffer)
                {
                    n = Interop.Libc.Read(_handle.Fd, p, (nuint)_buffer.Length);
                }

                if (n <= 0)
                {
                    // EAGAIN: drained. Any other error: nothing more to read now either.
                    return count;
                }

                int offset = 0;
                while (offset + Interop.Libc.InotifyEventHeaderSize <= n)
                {
                    ReadOnlySpan<byte> e = _buffer.AsSpan(offset, (int)n - offset);
                    int wd = MemoryMarshal.Read<int>(e);
                    uint mask = MemoryMarshal.Read<uint>(e[4..]);
                    int len = (int)MemoryMarshal.Read<uint>(e[12..]);
                    ReadOnlySpan<byte> name = e.Slice(Interop.Libc.InotifyEventHeaderSize, Math.Min(len, e.Length - Interop.Libc.InotifyEventHeaderSize));
                    int nul = name.IndexOf((byte)0);
                    if (nul >= 0)
                    {
                        name = name[..nul];
                    }

                    onEvent(wd, Classify(mask), name.IsEmpty ? "" : System.Text.Encoding.UTF8.GetString(name));
                    count++;
                    offset += Interop.Libc.InotifyEventHeaderSize + len;
                }
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

    private static DirectoryChange Classify(uint mask)
    {
        if ((mask & Interop.Libc.IN_Q_OVERFLOW) != 0)
        {
            return DirectoryChange.Overflow;
        }

        if ((mask & Interop.Libc.IN_IGNORED) != 0)
        {
            return DirectoryChange.WatchEnded;
        }

        if ((mask & (Interop.Libc.IN_DELETE_SELF | Interop.Libc.IN_MOVE_SELF)) != 0)
        {
            return DirectoryChange.SelfRemoved;
        }

        if ((mask & (Interop.Libc.IN_CREATE | Interop.Libc.IN_MOVED_TO)) != 0)
        {
            return DirectoryChange.Created;
        }

        return DirectoryChange.Removed;
    }

    public void Dispose() => _handle.Dispose();
}
