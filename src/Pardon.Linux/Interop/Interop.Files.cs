// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // fcntl.h, sys/file.h (x86-64 and arm64 share these values)
        internal const int O_CREAT = 0x40;
        internal const int O_EXCL = 0x80;
        internal const int O_TRUNC = 0x200;
        internal const int LOCK_EX = 2;
        internal const int LOCK_NB = 4;
        internal const int EWOULDBLOCK = Errno.EAGAIN;
        internal const int ELOOP = 40;
        internal const int EEXIST = 17;

        // include/uapi/linux/stat.h
        internal const int S_IFMT = 0xF000;
        internal const int S_IFREG = 0x8000;
        internal const int S_IFDIR = 0x4000;
        internal const int S_IFLNK = 0xA000;
        internal const int S_IFSOCK = 0xC000;
        internal const int S_ISVTX = 0x200;

        // include/uapi/linux/magic.h
        internal const long TMPFS_MAGIC = 0x01021994;
        internal const long HUGETLBFS_MAGIC = 0x958458f6;
        internal const long SECRETMEM_MAGIC = 0x5345434d;
        internal const long RAMFS_MAGIC = unchecked((long)0x858458f6);

        /// <summary>struct statfs as the C library lays it out on 64-bit Linux: f_type first, the rest unused here.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct StatFs
        {
            internal long f_type;
            internal fixed long rest[15];
        }

        [LibraryImport(LibraryName, EntryPoint = "flock", SetLastError = true)]
        internal static partial int Flock(int fd, int operation);

        [LibraryImport(LibraryName, EntryPoint = "fsync", SetLastError = true)]
        internal static partial int Fsync(int fd);

        [LibraryImport(LibraryName, EntryPoint = "ftruncate", SetLastError = true)]
        internal static partial int Ftruncate(int fd, long length);

        [LibraryImport(LibraryName, EntryPoint = "renameat", SetLastError = true)]
        internal static unsafe partial int RenameAt(int olddirfd, byte* oldpath, int newdirfd, byte* newpath);

        [LibraryImport(LibraryName, EntryPoint = "unlinkat", SetLastError = true)]
        internal static unsafe partial int UnlinkAt(int dirfd, byte* path, int flags);

        [LibraryImport(LibraryName, EntryPoint = "mkdirat", SetLastError = true)]
        internal static unsafe partial int MkdirAt(int dirfd, byte* path, int mode);

        /// <summary>fchmodat(2) with flags 0; used on /proc/self/fd/N of an O_PATH descriptor, which never follows further.</summary>
        [LibraryImport(LibraryName, EntryPoint = "fchmodat", SetLastError = true)]
        internal static unsafe partial int FchmodAt(int dirfd, byte* path, int mode, int flags);

        [LibraryImport(LibraryName, EntryPoint = "fstatfs", SetLastError = true)]
        internal static unsafe partial int FstatFs(int fd, StatFs* buffer);
    }
}
