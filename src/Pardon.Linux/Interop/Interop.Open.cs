// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // fcntl.h (x86-64 and arm64 share these values)
        internal const int O_RDONLY = 0x0000;
        internal const int O_WRONLY = 0x0001;
        internal const int O_RDWR = 0x0002;
        internal const int O_NONBLOCK = 0x0800;
        internal const int O_CLOEXEC = 0x80000;
        internal const int O_NOFOLLOW = 0x20000;
        internal const int O_PATH = 0x200000;

        // O_DIRECTORY is 0x10000 on x86-64 but 0x4000 on arm64 (asm/fcntl.h), so it is not a constant.
        internal static int O_DIRECTORY => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.Arm64 or Architecture.Arm => 0x4000,
            _ => 0x10000,
        };

        internal const int AT_FDCWD = -100;

        /// <summary>openat(2) with a NUL-terminated UTF-8 path.</summary>
        [LibraryImport(LibraryName, EntryPoint = "openat", SetLastError = true)]
        internal static unsafe partial int OpenAt(int dirfd, byte* path, int flags, int mode);

        [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
        internal static partial int Close(int fd);
    }
}
