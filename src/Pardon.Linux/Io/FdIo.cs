// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

namespace Pardon.Linux.Io;

/// <summary>
/// Allocation-free file access by descriptor and by path relative to a directory descriptor. Every method
/// returns a negative errno instead of throwing: in procfs a failure usually means the process exited
/// between two reads, which the caller handles by skipping it.
/// </summary>
/// <remarks>
/// The errno convention of all of Pardon.Linux (see <see cref="Errors"/>): an int result is a value (0, a
/// length, a descriptor) or −errno, as the kernel's own system calls return it.
/// </remarks>
internal static unsafe class FdIo
{
    /// <summary>Paths shorter than this are made NUL-terminated on the stack ("4194304/task/4194304/status" and cgroup names fit).</summary>
    public const int MaxPath = 512;

    /// <summary>PATH_MAX (include/uapi/linux/limits.h), the terminating NUL included: a longer path is refused with ENAMETOOLONG, as the kernel would.</summary>
    public const int PathMax = 4096;

    /// <summary>Opens <paramref name="path"/> (UTF-8, not NUL-terminated) relative to <paramref name="dirfd"/>.</summary>
    public static int OpenAt(int dirfd, ReadOnlySpan<byte> path, int flags)
    {
        Span<byte> stack = stackalloc byte[MaxPath];
        int rc = Terminate(path, stack, out Span<byte> z);
        if (rc < 0)
        {
            return rc;
        }

        fixed (byte* p = z)
        {
            while (true)
            {
                int fd = Interop.Libc.OpenAt(dirfd, p, flags | Interop.Libc.O_CLOEXEC, 0);
                if (fd >= 0)
                {
                    return fd;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != Interop.Errno.EINTR)
                {
                    return -errno;
                }
            }
        }
    }

    /// <summary>
    /// <paramref name="path"/> NUL-terminated in <paramref name="stack"/> when it fits, else on the heap (a
    /// rare long path from the configuration; the monitor's paths are short). 0, or −ENAMETOOLONG for a path
    /// of PATH_MAX bytes or more, −EINVAL for one with a NUL inside (C would silently cut it there).
    /// </summary>
    private static int Terminate(ReadOnlySpan<byte> path, Span<byte> stack, out Span<byte> z)
    {
        z = default;
        if (path.Length >= PathMax)
        {
            return -Interop.Errno.ENAMETOOLONG;
        }

        if (path.Contains((byte)0))
        {
            return -Interop.Errno.EINVAL;
        }

        z = path.Length < stack.Length ? stack[..(path.Length + 1)] : new byte[path.Length + 1];
        path.CopyTo(z);
        z[path.Length] = 0;
        return 0;
    }

    /// <summary>Opens a path given as a string (configuration time, not the monitor loop).</summary>
    public static SafeFdHandle OpenOrThrow(string path, int flags)
    {
        int fd = OpenAt(Interop.Libc.AT_FDCWD, System.Text.Encoding.UTF8.GetBytes(path), flags);
        if (fd < 0)
        {
            throw new LinuxException($"open {path}", -fd);
        }

        return new SafeFdHandle(fd);
    }

    /// <summary>Opens a path given as a string; a negative errno on failure.</summary>
    public static int Open(string path, int flags)
        => OpenAt(Interop.Libc.AT_FDCWD, System.Text.Encoding.UTF8.GetBytes(path), flags);

    /// <summary>
    /// Reads a whole file from offset 0 with pread(2) into <paramref name="buffer"/>. Returns the length,
    /// or a negative errno. procfs and cgroupfs regenerate the text on a read at offset 0, so one open
    /// descriptor serves every later reading. A result equal to the buffer's length means it was too small.
    /// </summary>
    public static int PReadAll(int fd, Span<byte> buffer)
    {
        int total = 0;
        fixed (byte* p = buffer)
        {
            while (total < buffer.Length)
            {
                nint n = Interop.Libc.PRead(fd, p + total, (nuint)(buffer.Length - total), total);
                if (n == 0)
                {
                    break;
                }

                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Interop.Errno.EINTR)
                    {
                        continue;
                    }

                    return -errno;
                }

                total += (int)n;
            }
        }

        return total;
    }

    /// <summary>Reads a file held open by a handle (see <see cref="PReadAll(int, Span{byte})"/>).</summary>
    public static int PReadAll(SafeFdHandle handle, Span<byte> buffer)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return PReadAll(handle.Fd, buffer);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Reads a file the kernel generates as a single record from offset 0, in one pread(2) when the buffer is
    /// larger than the text. Returns the length, or a negative errno.
    /// </summary>
    /// <remarks>
    /// A single_open() seq file (/proc/meminfo, /proc/PID/{stat,status,statm}, cgroupfs control files) or a
    /// simple_read_from_buffer() one (/proc/PID/oom_score_adj) hands over its whole text in the first read
    /// when it fits (fs/seq_file.c seq_read_iter() grows its buffer until the one record fits, then finds no
    /// next record), so a short read is the end and the second, empty read that <see cref="PReadAll(int, Span{byte})"/>
    /// makes to see end-of-file can be saved: half the system calls of a scan and of every monitor tick.
    /// Not for multi-record files such as cgroup.procs, whose reads stop at the seq buffer's page size.
    /// </remarks>
    public static int PReadRecord(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = Interop.Libc.PRead(fd, p, (nuint)buffer.Length, 0);
                if (n >= 0)
                {
                    // A full buffer: too small, or exactly the text's length; let the general loop decide.
                    return n < buffer.Length ? (int)n : PReadAll(fd, buffer);
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != Interop.Errno.EINTR)
                {
                    return -errno;
                }
            }
        }
    }

    /// <inheritdoc cref="PReadRecord(int, Span{byte})"/>
    public static int PReadRecord(SafeFdHandle handle, Span<byte> buffer)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return PReadRecord(handle.Fd, buffer);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>open + <see cref="PReadRecord(int, Span{byte})"/> + close, for single-record files.</summary>
    public static int ReadRecordAt(int dirfd, ReadOnlySpan<byte> path, Span<byte> buffer)
    {
        int fd = OpenAt(dirfd, path, Interop.Libc.O_RDONLY);
        if (fd < 0)
        {
            return fd;
        }

        try
        {
            return PReadRecord(fd, buffer);
        }
        finally
        {
            Interop.Libc.Close(fd);
        }
    }

    /// <summary>open + read + close. Returns the length read or a negative errno.</summary>
    public static int ReadFileAt(int dirfd, ReadOnlySpan<byte> path, Span<byte> buffer)
    {
        int fd = OpenAt(dirfd, path, Interop.Libc.O_RDONLY);
        if (fd < 0)
        {
            return fd;
        }

        try
        {
            return PReadAll(fd, buffer);
        }
        finally
        {
            Interop.Libc.Close(fd);
        }
    }

    /// <summary>readlinkat(2) into <paramref name="buffer"/>; the length or a negative errno.</summary>
    public static int ReadLinkAt(int dirfd, ReadOnlySpan<byte> path, Span<byte> buffer)
    {
        Span<byte> stack = stackalloc byte[MaxPath];
        int rc = Terminate(path, stack, out Span<byte> z);
        if (rc < 0)
        {
            return rc;
        }

        fixed (byte* p = z)
        fixed (byte* b = buffer)
        {
            nint n = Interop.Libc.ReadLinkAt(dirfd, p, b, (nuint)buffer.Length);
            return n >= 0 ? (int)n : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>statx(2) of <paramref name="path"/> relative to <paramref name="dirfd"/>, following symlinks.</summary>
    public static int StatAt(int dirfd, ReadOnlySpan<byte> path, out Interop.Libc.Statx result)
    {
        result = default;
        Span<byte> stack = stackalloc byte[MaxPath];
        int rc = Terminate(path, stack, out Span<byte> z);
        if (rc < 0)
        {
            return rc;
        }

        Interop.Libc.Statx sx;
        fixed (byte* p = z)
        {
            rc = Interop.Libc.StatX(dirfd, p, 0, Interop.Libc.STATX_BASIC_STATS, &sx);
            result = sx;
            return rc == 0 ? 0 : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>faccessat(2) with the effective ids: 0 when <paramref name="mode"/> (W_OK, X_OK) is allowed, else −errno.</summary>
    public static int AccessAt(int dirfd, ReadOnlySpan<byte> path, int mode)
    {
        Span<byte> stack = stackalloc byte[MaxPath];
        int rc = Terminate(path, stack, out Span<byte> z);
        if (rc < 0)
        {
            return rc;
        }

        fixed (byte* p = z)
        {
            return Interop.Libc.FAccessAt(dirfd, p, mode, Interop.Libc.AT_EACCESS) == 0 ? 0 : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>Writes all of <paramref name="data"/>; 0 or a negative errno.</summary>
    public static int Write(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint n = Interop.Libc.Write(fd, p + done, (nuint)(data.Length - done));
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Interop.Errno.EINTR)
                    {
                        continue;
                    }

                    return -errno;
                }

                done += (int)n;
            }
        }

        return 0;
    }
}
