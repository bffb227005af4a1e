// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Pardon.Linux.Io;

namespace Pardon.Linux.Security;

/// <summary>
/// A directory the daemon keeps a trusted file in (the pardon state), checked the way sshd's StrictModes checks
/// a user's files: the directory must be owned by the daemon's effective uid and writable by nobody else, so no
/// one else can plant, replace or link files in it; each file read from it must be a regular file (never a
/// symlink: O_NOFOLLOW) owned by the daemon's euid and writable by nobody else. Everything is done relative to
/// one directory descriptor opened once, so renaming the path under the daemon changes nothing. Writes are
/// atomic: a fresh temporary file (O_CREAT|O_EXCL|O_NOFOLLOW, a random name), fsync, rename(2), fsync of the
/// directory. An flock on a lock file inside it lets one daemon at a time use the directory's state.
/// </summary>
public sealed unsafe class SecureDirectory : IDisposable
{
    private readonly SafeFdHandle _fd;

    private SecureDirectory(SafeFdHandle fd, string path, uint owner)
    {
        _fd = fd;
        Path = path;
        Owner = owner;
    }

    /// <summary>The directory's path as given (for messages; never used to reach files).</summary>
    public string Path { get; }

    /// <summary>The effective uid that owns it (the daemon's).</summary>
    public uint Owner { get; }

    /// <summary>
    /// Opens <paramref name="path"/>, creating it (and missing parents) with mode 0755 first. Throws
    /// <see cref="IOException"/> with a plain sentence when it cannot be opened, is a symlink, or is owned by
    /// another user or writable by group or others.
    /// </summary>
    public static SecureDirectory Open(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the daemon's state needs Linux");
        }

        if (!Directory.Exists(path))
        {
            try
            {
                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                    UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"cannot create the directory {path}: {ex.Message}", ex);
            }
        }

        int fd = FdIo.Open(path, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY | Interop.Libc.O_NOFOLLOW);
        if (fd < 0)
        {
            throw new IOException(-fd == Interop.Libc.ELOOP || -fd == Interop.Errno.ENOTDIR
                ? $"{path} is a symbolic link or not a directory; refusing to keep the daemon's files there"
                : $"cannot open the directory {path}: {Marshal.GetPInvokeErrorMessage(-fd)}");
        }

        var handle = new SafeFdHandle(fd);
        uint euid = Interop.Libc.GetEuid();
        string? problem = FStat(fd, out Interop.Libc.Statx sx) != 0 ? "cannot stat it" : UnsafeOwnership(in sx, euid, allowSticky: false);
        if (problem is not null)
        {
            handle.Dispose();
            throw new IOException($"refusing the directory {path}: {problem}; it must be owned by uid {euid} and writable by nobody else (the check sshd makes with its strict modes)");
        }

        return new SecureDirectory(handle, path, euid);
    }

    /// <summary>
    /// Why a file or directory with this status may not be trusted by <paramref name="euid"/>, or null when it may:
    /// another owner, or writable by group or others (a world-writable directory with the sticky bit is accepted
    /// when <paramref name="allowSticky"/>: others cannot remove or replace entries they do not own there).
    /// </summary>
    internal static string? UnsafeOwnership(in Interop.Libc.Statx sx, uint euid, bool allowSticky)
    {
        if (sx.stx_uid != euid)
        {
            return $"it is owned by uid {sx.stx_uid}";
        }

        bool sticky = (sx.stx_mode & Interop.Libc.S_ISVTX) != 0;
        if ((sx.stx_mode & 0x12) != 0 && !(allowSticky && sticky))
        {
            return $"its mode {Convert.ToString(sx.stx_mode & 0xFFF, 8)} lets group or others write to it";
        }

        return null;
    }

    /// <summary>
    /// Takes an exclusive flock on <paramref name="name"/> (created 0600 if missing, never through a symlink), held
    /// until the returned handle is disposed. Returns null with <paramref name="problem"/> set when another process
    /// holds it (its pid, as it wrote it, in the message) or the file cannot be trusted.
    /// </summary>
    public IDisposable? TryLock(string name, out string problem)
    {
        int fd = OpenAt(name, Interop.Libc.O_RDWR | Interop.Libc.O_CREAT | Interop.Libc.O_NOFOLLOW | Interop.Libc.O_NONBLOCK, 0x180);
        if (fd < 0)
        {
            problem = $"cannot open the lock file {Join(name)}: {Describe(-fd)}";
            return null;
        }

        var handle = new SafeFdHandle(fd);
        if (FStat(fd, out Interop.Libc.Statx sx) != 0 || (sx.stx_mode & Interop.Libc.S_IFMT) != Interop.Libc.S_IFREG ||
            UnsafeOwnership(in sx, Owner, allowSticky: false) is not null)
        {
            handle.Dispose();
            problem = $"the lock file {Join(name)} is not a regular file owned by uid {Owner} and writable by nobody else";
            return null;
        }

        if (Interop.Libc.Flock(fd, Interop.Libc.LOCK_EX | Interop.Libc.LOCK_NB) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Span<byte> text = stackalloc byte[32];
            int n = FdIo.PReadAll(fd, text);
            string holder = n > 0 ? Encoding.ASCII.GetString(text[..n]).Trim() : "";
            handle.Dispose();
            problem = errno == Interop.Libc.EWOULDBLOCK
                ? $"another Pardon daemon{(holder.Length > 0 ? " (pid " + holder + ")" : "")} holds {Join(name)}"
                : $"cannot lock {Join(name)}: {Describe(errno)}";
            return null;
        }

        // Say who holds it, for the next daemon's message.
        _ = Interop.Libc.Ftruncate(fd, 0);
        byte[] pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        _ = FdIo.Write(fd, pid);
        problem = "";
        return handle;
    }

    /// <summary>
    /// Reads <paramref name="name"/> if it may be trusted. <see cref="FileRead.Missing"/> when there is none,
    /// <see cref="FileRead.Untrusted"/> (a symlink, not a regular file, another owner, writable by others, larger
    /// than <paramref name="maxBytes"/>) and <see cref="FileRead.Failed"/> (an I/O error) with the reason.
    /// </summary>
    public FileRead TryRead(string name, int maxBytes, out byte[] content, out string problem)
    {
        content = [];
        int fd = OpenAt(name, Interop.Libc.O_RDONLY | Interop.Libc.O_NOFOLLOW | Interop.Libc.O_NONBLOCK, 0);
        if (fd < 0)
        {
            int errno = -fd;
            problem = errno == Interop.Libc.ELOOP ? "it is a symbolic link (never followed)" : Describe(errno);
            return errno == Interop.Errno.ENOENT ? FileRead.Missing : errno == Interop.Libc.ELOOP ? FileRead.Untrusted : FileRead.Failed;
        }

        using var handle = new SafeFdHandle(fd);
        if (FStat(fd, out Interop.Libc.Statx sx) != 0)
        {
            problem = Describe(Marshal.GetLastPInvokeError());
            return FileRead.Failed;
        }

        if ((sx.stx_mode & Interop.Libc.S_IFMT) != Interop.Libc.S_IFREG)
        {
            problem = "it is not a regular file";
            return FileRead.Untrusted;
        }

        if (UnsafeOwnership(in sx, Owner, allowSticky: false) is string why)
        {
            problem = why;
            return FileRead.Untrusted;
        }

        if (sx.stx_size > (ulong)maxBytes)
        {
            problem = $"it is {sx.stx_size} bytes long, more than the {maxBytes} accepted";
            return FileRead.Untrusted;
        }

        byte[] bytes = new byte[(int)sx.stx_size + 1];
        int n = FdIo.PReadAll(fd, bytes);
        if (n < 0)
        {
            problem = Describe(-n);
            return FileRead.Failed;
        }

        if (n > maxBytes)
        {
            problem = $"it is more than {maxBytes} bytes long";
            return FileRead.Untrusted;
        }

        content = bytes.AsSpan(0, n).ToArray();
        problem = "";
        return FileRead.Read;
    }

    /// <summary>
    /// Replaces <paramref name="name"/> with <paramref name="content"/> atomically: a reader (or a daemon killed
    /// mid-write) sees the old file or the new one, never half of one, and a symlink planted at the name is
    /// replaced, never followed. Throws <see cref="IOException"/>.
    /// </summary>
    public void WriteAtomically(string name, ReadOnlySpan<byte> content, int mode)
    {
        string temp = $"{name}.tmp-{Random.Shared.Next():x8}";
        int fd = OpenAt(temp, Interop.Libc.O_WRONLY | Interop.Libc.O_CREAT | Interop.Libc.O_EXCL | Interop.Libc.O_NOFOLLOW, mode);
        if (fd < 0)
        {
            throw new IOException($"cannot create {Join(temp)}: {Describe(-fd)}");
        }

        bool renamed = false;
        try
        {
            using (var handle = new SafeFdHandle(fd))
            {
                int rc = FdIo.Write(fd, content);
                if (rc < 0)
                {
                    throw new IOException($"cannot write {Join(temp)}: {Describe(-rc)}");
                }

                if (Interop.Libc.Fsync(fd) != 0)
                {
                    throw new IOException($"cannot fsync {Join(temp)}: {Describe(Marshal.GetLastPInvokeError())}");
                }
            }

            Rename(temp, name);
            renamed = true;

            // The rename itself is durable once the directory is.
            _ = Interop.Libc.Fsync(_fd.Fd);
        }
        finally
        {
            if (!renamed)
            {
                Unlink(temp);
            }
        }
    }

    /// <summary>Renames <paramref name="name"/> to <paramref name="newName"/> in this directory; false when it could not.</summary>
    public bool TryRename(string name, string newName)
    {
        try
        {
            Rename(name, newName);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose() => _fd.Dispose();

    private void Rename(string from, string to)
    {
        byte[] a = Z(from);
        byte[] b = Z(to);
        fixed (byte* pa = a)
        fixed (byte* pb = b)
        {
            if (Interop.Libc.RenameAt(_fd.Fd, pa, _fd.Fd, pb) != 0)
            {
                throw new IOException($"cannot rename {Join(from)} to {to}: {Describe(Marshal.GetLastPInvokeError())}");
            }
        }
    }

    private void Unlink(string name)
    {
        byte[] z = Z(name);
        fixed (byte* p = z)
        {
            _ = Interop.Libc.UnlinkAt(_fd.Fd, p, 0);
        }
    }

    private int OpenAt(string name, int flags, int mode)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return -Interop.Errno.EINVAL;
        }

        byte[] z = Z(name);
        fixed (byte* p = z)
        {
            while (true)
            {
                int fd = Interop.Libc.OpenAt(_fd.Fd, p, flags | Interop.Libc.O_CLOEXEC, mode);
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

    /// <summary>fstat(2) through statx(fd, "", AT_EMPTY_PATH); 0 or -1 (errno in the last P/Invoke error).</summary>
    internal static int FStat(int fd, out Interop.Libc.Statx result)
    {
        byte empty = 0;
        Interop.Libc.Statx sx;
        int rc = Interop.Libc.StatX(fd, &empty, Interop.Libc.AT_EMPTY_PATH, Interop.Libc.STATX_BASIC_STATS, &sx);
        result = rc == 0 ? sx : default;
        return rc;
    }

    private string Join(string name) => System.IO.Path.Combine(Path, name);

    private static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    private static byte[] Z(string s)
    {
        byte[] z = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, z);
        return z;
    }
}
