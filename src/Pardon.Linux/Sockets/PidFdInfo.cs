// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Io;

namespace Pardon.Linux.Sockets;

/// <summary>
/// What /proc/self tells about a pidfd this process holds: whether a descriptor is a pidfd at all (its link
/// reads "anon_inode:[pidfd]", also on pidfs since 6.9), and the pid it names in this process's own pid
/// namespace ("Pid:" in /proc/self/fdinfo/FD, kernel/pid.c pidfd_show_fdinfo(): -1 once the process has exited,
/// 0 when it lives in a pid namespace this one cannot see).
/// </summary>
public static class PidFdInfo
{
    /// <summary>True when <paramref name="fd"/> is a pidfd (anything else a client sends is refused).</summary>
    public static bool IsPidFd(int fd)
    {
        Span<byte> path = stackalloc byte[48];
        int len = Format("/proc/self/fd/"u8, fd, path);
        Span<byte> link = stackalloc byte[64];
        int n = FdIo.ReadLinkAt(Interop.Libc.AT_FDCWD, path[..len], link);
        return n > 0 && link[..n].SequenceEqual("anon_inode:[pidfd]"u8);
    }

    /// <summary>The pid <paramref name="fd"/> names in this pid namespace: -1 when the process exited (or the read failed), 0 when it is not visible here.</summary>
    public static int ReadPid(int fd)
    {
        Span<byte> path = stackalloc byte[48];
        int len = Format("/proc/self/fdinfo/"u8, fd, path);
        Span<byte> buffer = stackalloc byte[512];
        int n = FdIo.ReadFileAt(Interop.Libc.AT_FDCWD, path[..len], buffer);
        if (n <= 0)
        {
            return -1;
        }

        ReadOnlySpan<byte> text = buffer[..n];
        while (text.Length > 0)
        {
            int nl = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = nl < 0 ? text : text[..nl];
            text = nl < 0 ? default : text[(nl + 1)..];
            if (line.StartsWith("Pid:"u8) && Utf8Number.TryParseInt32(line[4..].Trim((byte)'\t').Trim((byte)' '), out int pid))
            {
                return pid;
            }
        }

        return -1;
    }

    private static int Format(ReadOnlySpan<byte> prefix, int fd, Span<byte> into)
    {
        prefix.CopyTo(into);
        return prefix.Length + Utf8Number.Format(fd, into[prefix.Length..]);
    }
}
