// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // getdents64(2) fills the buffer with struct linux_dirent64 records:
        //   u64 d_ino; s64 d_off; unsigned short d_reclen; unsigned char d_type; char d_name[];
        // Used instead of Directory.EnumerateDirectories because that allocates a string per entry, and
        // the monitor walks /proc and cgroup trees without allocating.
        internal const int Dirent64NameOffset = 19;
        internal const int Dirent64RecLenOffset = 16;
        internal const int Dirent64TypeOffset = 18;
        internal const byte DT_DIR = 4;
        internal const byte DT_UNKNOWN = 0;

        [LibraryImport(LibraryName, EntryPoint = "getdents64", SetLastError = true)]
        internal static unsafe partial nint GetDents64(int fd, byte* buffer, nuint count);

        [LibraryImport(LibraryName, EntryPoint = "lseek", SetLastError = true)]
        internal static partial long LSeek(int fd, long offset, int whence);

        internal const int SEEK_SET = 0;
    }
}
