// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Linux.Logging;

/// <summary>
/// Whether stderr is connected to the systemd journal. systemd sets JOURNAL_STREAM="DEV:INODE" (decimal
/// st_dev and st_ino of the stream socket it hands a service as stdout/stderr; systemd.exec(5)); a process
/// whose fd 2 still has that identity writes to the journal and may use the native protocol instead,
/// while one whose stderr was redirected (a pipe, a file, a terminal) must keep writing plain lines.
/// </summary>
public static class JournalStream
{
    /// <summary>The journal's native datagram socket (systemd-journald.socket).</summary>
    public const string DefaultSocket = "/run/systemd/journal/socket";

    /// <summary>True when <paramref name="fd"/> is the stream <paramref name="journalStream"/> (JOURNAL_STREAM's value) names.</summary>
    public static bool Matches(string? journalStream, int fd = 2)
    {
        if (!TryParse(journalStream, out ulong device, out ulong inode))
        {
            return false;
        }

        unsafe
        {
            Interop.Libc.Statx sx;
            byte empty = 0;
            if (Interop.Libc.StatX(fd, &empty, Interop.Libc.AT_EMPTY_PATH, Interop.Libc.STATX_INO, &sx) != 0)
            {
                return false;
            }

            return sx.stx_ino == inode && sx.stx_dev_major == Major(device) && sx.stx_dev_minor == Minor(device);
        }
    }

    /// <summary>Parses "DEV:INODE" (both decimal).</summary>
    public static bool TryParse(string? value, out ulong device, out ulong inode)
    {
        device = 0;
        inode = 0;
        int colon = value?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0 &&
            ulong.TryParse(value.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out device) &&
            ulong.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out inode);
    }

    // systemd prints st_dev as the C library's dev_t, glibc's encoding (sysdeps/unix/sysv/linux/sys/sysmacros.h
    // gnu_dev_major/gnu_dev_minor): major in bits 8-19 and 44-63, minor in bits 0-7 and 20-43.
    internal static uint Major(ulong dev) => (uint)(((dev & 0x00000000000fff00UL) >> 8) | ((dev & 0xfffff00000000000UL) >> 32));

    internal static uint Minor(ulong dev) => (uint)((dev & 0xffUL) | ((dev & 0x00000ffffff00000UL) >> 12));
}
