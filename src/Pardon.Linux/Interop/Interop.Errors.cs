// This file is part of Pardon, a userspace OOM killer for Linux.

internal static partial class Interop
{
    /// <summary>errno values Pardon branches on (asm-generic/errno-base.h, errno.h; same on x86-64 and arm64).</summary>
    internal static class Errno
    {
        internal const int EPERM = 1;
        internal const int ENOENT = 2;
        internal const int ESRCH = 3;
        internal const int EINTR = 4;
        internal const int EIO = 5;
        internal const int EBADF = 9;
        internal const int EAGAIN = 11;
        internal const int ENOMEM = 12;
        internal const int EACCES = 13;
        internal const int EBUSY = 16;
        internal const int ENOTDIR = 20;
        internal const int EINVAL = 22;
        internal const int EMFILE = 24;
        internal const int ENAMETOOLONG = 36;
        internal const int ENOSYS = 38;
        internal const int ENODATA = 61;
        internal const int EOPNOTSUPP = 95;
    }
}
