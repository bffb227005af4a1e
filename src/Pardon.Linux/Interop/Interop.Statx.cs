// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // statx(2) is used instead of stat(2) because struct statx has one layout on every architecture
        // (include/uapi/linux/stat.h), while struct stat differs between x86-64 and arm64.
        internal const int AT_EMPTY_PATH = 0x1000;
        internal const int AT_SYMLINK_NOFOLLOW = 0x100;
        internal const uint STATX_TYPE = 0x1;
        internal const uint STATX_MODE = 0x2;
        internal const uint STATX_UID = 0x8;
        internal const uint STATX_INO = 0x100;
        internal const uint STATX_BASIC_STATS = 0x7ff;

        [StructLayout(LayoutKind.Sequential)]
        internal struct StatxTimestamp
        {
            internal long tv_sec;
            internal uint tv_nsec;
            internal int __reserved;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct Statx
        {
            internal uint stx_mask;
            internal uint stx_blksize;
            internal ulong stx_attributes;
            internal uint stx_nlink;
            internal uint stx_uid;
            internal uint stx_gid;
            internal ushort stx_mode;
            internal ushort __spare0;
            internal ulong stx_ino;
            internal ulong stx_size;
            internal ulong stx_blocks;
            internal ulong stx_attributes_mask;
            internal StatxTimestamp stx_atime;
            internal StatxTimestamp stx_btime;
            internal StatxTimestamp stx_ctime;
            internal StatxTimestamp stx_mtime;
            internal uint stx_rdev_major;
            internal uint stx_rdev_minor;
            internal uint stx_dev_major;
            internal uint stx_dev_minor;
            internal fixed ulong __spare2[14];

            /// <summary>The file's identity (Core's encoding of major and minor; see FileIdentity).</summary>
            internal readonly Pardon.Core.FileIdentity Identity => Pardon.Core.FileIdentity.FromDevice(stx_dev_major, stx_dev_minor, stx_ino);
        }

        [LibraryImport(LibraryName, EntryPoint = "statx", SetLastError = true)]
        internal static unsafe partial int StatX(int dirfd, byte* path, int flags, uint mask, Statx* buffer);
    }
}
