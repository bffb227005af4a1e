// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Pardon.Linux.Tests;

/// <summary>
/// Every constant and struct layout of Interop.Libc checked against the C headers, by compiling a small C
/// program with the machine's compiler and reading what it prints (the Tmds.LibC habit).
/// </summary>
public sealed class InteropConstantsTests
{
    private const string Program = """
        #define _GNU_SOURCE
        #include <stdio.h>
        #include <stddef.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <poll.h>
        #include <pwd.h>
        #include <signal.h>
        #include <time.h>
        #include <unistd.h>
        #include <dirent.h>
        #include <sys/eventfd.h>
        #include <sys/mman.h>
        #include <sys/prctl.h>
        #include <sys/stat.h>
        #include <sys/syscall.h>
        #include <sys/pidfd.h>
        #include <linux/kcmp.h>
        #define P(name) printf("%s %lld\n", #name, (long long)(name))
        #define S(name, value) printf("%s %lld\n", name, (long long)(value))
        int main(void)
        {
            P(O_RDONLY); P(O_WRONLY); P(O_RDWR); P(O_NONBLOCK); P(O_CLOEXEC); P(O_NOFOLLOW); P(O_PATH); P(O_DIRECTORY);
            P(AT_FDCWD); P(AT_EMPTY_PATH); P(AT_SYMLINK_NOFOLLOW);
            P(STATX_TYPE); P(STATX_MODE); P(STATX_UID); P(STATX_INO); P(STATX_BASIC_STATS);
            P(SYS_pidfd_open); P(SYS_pidfd_send_signal); P(SYS_process_mrelease); P(SYS_kcmp); P(KCMP_VM); P(PIDFD_NONBLOCK);
            P(MCL_CURRENT); P(MCL_FUTURE); P(MCL_ONFAULT);
            P(SIGKILL); P(SIGTERM); P(SIGCONT);
            P(POLLIN); P(POLLPRI); P(POLLERR); P(POLLHUP); P(POLLNVAL);
            P(CLOCK_MONOTONIC); P(CLOCK_BOOTTIME); P(_SC_CLK_TCK);
            P(EFD_CLOEXEC); P(EFD_NONBLOCK); P(PR_CAPBSET_READ); P(SEEK_SET); P(DT_DIR); P(DT_UNKNOWN);
            P(EPERM); P(ENOENT); P(ESRCH); P(EINTR); P(EIO); P(EBADF); P(EAGAIN); P(ENOMEM); P(EACCES); P(EBUSY);
            P(ENOTDIR); P(EINVAL); P(EMFILE); P(ENAMETOOLONG); P(ENOSYS); P(W_OK); P(X_OK); P(AT_EACCESS); P(ENODATA); P(EOPNOTSUPP);
            S("sizeof statx", sizeof(struct statx));
            S("sizeof statx_timestamp", sizeof(struct statx_timestamp));
            S("offsetof statx.stx_mode", offsetof(struct statx, stx_mode));
            S("offsetof statx.stx_ino", offsetof(struct statx, stx_ino));
            S("offsetof statx.stx_size", offsetof(struct statx, stx_size));
            S("offsetof statx.stx_atime", offsetof(struct statx, stx_atime));
            S("offsetof statx.stx_mtime", offsetof(struct statx, stx_mtime));
            S("offsetof statx.stx_rdev_major", offsetof(struct statx, stx_rdev_major));
            S("offsetof statx.stx_dev_major", offsetof(struct statx, stx_dev_major));
            S("offsetof statx.stx_dev_minor", offsetof(struct statx, stx_dev_minor));
            S("sizeof pollfd", sizeof(struct pollfd));
            S("offsetof pollfd.revents", offsetof(struct pollfd, revents));
            S("sizeof timespec", sizeof(struct timespec));
            S("sizeof passwd", sizeof(struct passwd));
            S("offsetof passwd.pw_uid", offsetof(struct passwd, pw_uid));
            S("offsetof passwd.pw_gid", offsetof(struct passwd, pw_gid));
            S("offsetof passwd.pw_shell", offsetof(struct passwd, pw_shell));
            S("offsetof dirent64.d_reclen", offsetof(struct dirent64, d_reclen));
            S("offsetof dirent64.d_type", offsetof(struct dirent64, d_type));
            S("offsetof dirent64.d_name", offsetof(struct dirent64, d_name));
            return 0;
        }
        """;

    private static readonly Lazy<Dictionary<string, long>> s_c = new(() => CHeaderProbe.CompileAndRun(Program, "constants"));

    public static TheoryData<string, long> Constants => new()
    {
        { "O_RDONLY", Interop.Libc.O_RDONLY },
        { "O_WRONLY", Interop.Libc.O_WRONLY },
        { "O_RDWR", Interop.Libc.O_RDWR },
        { "O_NONBLOCK", Interop.Libc.O_NONBLOCK },
        { "O_CLOEXEC", Interop.Libc.O_CLOEXEC },
        { "O_NOFOLLOW", Interop.Libc.O_NOFOLLOW },
        { "O_PATH", Interop.Libc.O_PATH },
        { "O_DIRECTORY", Interop.Libc.O_DIRECTORY },
        { "AT_FDCWD", Interop.Libc.AT_FDCWD },
        { "AT_EMPTY_PATH", Interop.Libc.AT_EMPTY_PATH },
        { "AT_SYMLINK_NOFOLLOW", Interop.Libc.AT_SYMLINK_NOFOLLOW },
        { "STATX_TYPE", Interop.Libc.STATX_TYPE },
        { "STATX_MODE", Interop.Libc.STATX_MODE },
        { "STATX_UID", Interop.Libc.STATX_UID },
        { "STATX_INO", Interop.Libc.STATX_INO },
        { "STATX_BASIC_STATS", Interop.Libc.STATX_BASIC_STATS },
        { "SYS_pidfd_open", Interop.Libc.SyscallNumbers.pidfd_open },
        { "SYS_pidfd_send_signal", Interop.Libc.SyscallNumbers.pidfd_send_signal },
        { "SYS_process_mrelease", Interop.Libc.SyscallNumbers.process_mrelease },
        { "SYS_kcmp", Interop.Libc.SyscallNumbers.kcmp },
        { "KCMP_VM", Interop.Libc.KCMP_VM },
        { "PIDFD_NONBLOCK", Interop.Libc.PIDFD_NONBLOCK },
        { "MCL_CURRENT", Interop.Libc.MCL_CURRENT },
        { "MCL_FUTURE", Interop.Libc.MCL_FUTURE },
        { "MCL_ONFAULT", Interop.Libc.MCL_ONFAULT },
        { "SIGKILL", Interop.Libc.SIGKILL },
        { "SIGTERM", Interop.Libc.SIGTERM },
        { "SIGCONT", Interop.Libc.SIGCONT },
        { "POLLIN", Interop.Libc.POLLIN },
        { "POLLPRI", Interop.Libc.POLLPRI },
        { "POLLERR", Interop.Libc.POLLERR },
        { "POLLHUP", Interop.Libc.POLLHUP },
        { "POLLNVAL", Interop.Libc.POLLNVAL },
        { "CLOCK_MONOTONIC", Interop.Libc.CLOCK_MONOTONIC },
        { "CLOCK_BOOTTIME", Interop.Libc.CLOCK_BOOTTIME },
        { "_SC_CLK_TCK", Interop.Libc._SC_CLK_TCK },
        { "EFD_CLOEXEC", Interop.Libc.EFD_CLOEXEC },
        { "EFD_NONBLOCK", Interop.Libc.EFD_NONBLOCK },
        { "PR_CAPBSET_READ", Interop.Libc.PR_CAPBSET_READ },
        { "SEEK_SET", Interop.Libc.SEEK_SET },
        { "DT_DIR", Interop.Libc.DT_DIR },
        { "DT_UNKNOWN", Interop.Libc.DT_UNKNOWN },
        { "EPERM", Interop.Errno.EPERM },
        { "ENAMETOOLONG", Interop.Errno.ENAMETOOLONG },
        { "W_OK", Interop.Libc.W_OK },
        { "X_OK", Interop.Libc.X_OK },
        { "AT_EACCESS", Interop.Libc.AT_EACCESS },
        { "ENOENT", Interop.Errno.ENOENT },
        { "ESRCH", Interop.Errno.ESRCH },
        { "EINTR", Interop.Errno.EINTR },
        { "EIO", Interop.Errno.EIO },
        { "EBADF", Interop.Errno.EBADF },
        { "EAGAIN", Interop.Errno.EAGAIN },
        { "ENOMEM", Interop.Errno.ENOMEM },
        { "EACCES", Interop.Errno.EACCES },
        { "EBUSY", Interop.Errno.EBUSY },
        { "ENOTDIR", Interop.Errno.ENOTDIR },
        { "EINVAL", Interop.Errno.EINVAL },
        { "EMFILE", Interop.Errno.EMFILE },
        { "ENOSYS", Interop.Errno.ENOSYS },
        { "ENODATA", Interop.Errno.ENODATA },
        { "EOPNOTSUPP", Interop.Errno.EOPNOTSUPP },
    };

    public static TheoryData<string, long> Layouts => new()
    {
        { "sizeof statx", Unsafe.SizeOf<Interop.Libc.Statx>() },
        { "sizeof statx_timestamp", Unsafe.SizeOf<Interop.Libc.StatxTimestamp>() },
        { "offsetof statx.stx_mode", Offset<Interop.Libc.Statx>("stx_mode") },
        { "offsetof statx.stx_ino", Offset<Interop.Libc.Statx>("stx_ino") },
        { "offsetof statx.stx_size", Offset<Interop.Libc.Statx>("stx_size") },
        { "offsetof statx.stx_atime", Offset<Interop.Libc.Statx>("stx_atime") },
        { "offsetof statx.stx_mtime", Offset<Interop.Libc.Statx>("stx_mtime") },
        { "offsetof statx.stx_rdev_major", Offset<Interop.Libc.Statx>("stx_rdev_major") },
        { "offsetof statx.stx_dev_major", Offset<Interop.Libc.Statx>("stx_dev_major") },
        { "offsetof statx.stx_dev_minor", Offset<Interop.Libc.Statx>("stx_dev_minor") },
        { "sizeof pollfd", Unsafe.SizeOf<Interop.Libc.PollFd>() },
        { "offsetof pollfd.revents", Offset<Interop.Libc.PollFd>("revents") },
        { "sizeof timespec", Unsafe.SizeOf<Interop.Libc.TimeSpec>() },
        { "sizeof passwd", Unsafe.SizeOf<Interop.Libc.Passwd>() },
        { "offsetof passwd.pw_uid", Offset<Interop.Libc.Passwd>("pw_uid") },
        { "offsetof passwd.pw_gid", Offset<Interop.Libc.Passwd>("pw_gid") },
        { "offsetof passwd.pw_shell", Offset<Interop.Libc.Passwd>("pw_shell") },
        { "offsetof dirent64.d_reclen", Interop.Libc.Dirent64RecLenOffset },
        { "offsetof dirent64.d_type", Interop.Libc.Dirent64TypeOffset },
        { "offsetof dirent64.d_name", Interop.Libc.Dirent64NameOffset },
    };

    [Theory]
    [MemberData(nameof(Constants))]
    public void Constant_EqualsTheCHeaders(string name, long value)
    {
        Assert.True(s_c.Value.TryGetValue(name, out long expected), $"{name} not printed by the C program");
        Assert.Equal(expected, value);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Layout_EqualsTheCCompilers(string name, long value)
    {
        Assert.True(s_c.Value.TryGetValue(name, out long expected), $"{name} not printed by the C program");
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Statx_Size_Is256()
    {
        Assert.Equal(256, Unsafe.SizeOf<Interop.Libc.Statx>()); // include/uapi/linux/stat.h: fixed for every architecture
    }

    [Theory]
    [InlineData("pidfd_open", 434)]
    [InlineData("pidfd_send_signal", 424)]
    [InlineData("process_mrelease", 448)]
    [InlineData("kcmp", 312)]
    public void SyscallNumber_EqualsAsmUnistd64(string name, long expected)
    {
        // x86-64's table; the unified numbers (424+) are the same on every architecture.
        string header = File.ReadAllText("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
        Match m = Regex.Match(header, $@"#define __NR_{name} (\d+)");

        Assert.True(m.Success, $"__NR_{name} not in asm/unistd_64.h");
        Assert.Equal(expected, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        long ours = name switch
        {
            "pidfd_open" => Interop.Libc.SyscallNumbers.pidfd_open,
            "pidfd_send_signal" => Interop.Libc.SyscallNumbers.pidfd_send_signal,
            "process_mrelease" => Interop.Libc.SyscallNumbers.process_mrelease,
            _ => Interop.Libc.SyscallNumbers.kcmp,
        };
        Assert.Equal(expected, ours);
    }

    private static long Offset<T>(string field) => Marshal.OffsetOf<T>(field).ToInt64();
}
