// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // unistd.h, fcntl.h
        internal const int X_OK = 1;
        internal const int W_OK = 2;
        internal const int AT_EACCESS = 0x200;

        /// <summary>faccessat(2): may this process (its effective ids, with AT_EACCESS) use the path so?</summary>
        [LibraryImport(LibraryName, EntryPoint = "faccessat", SetLastError = true)]
        internal static unsafe partial int FAccessAt(int dirfd, byte* path, int mode, int flags);
    }
}
