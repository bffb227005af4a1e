// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int EFD_CLOEXEC = O_CLOEXEC;
        internal const int EFD_NONBLOCK = O_NONBLOCK;

        [LibraryImport(LibraryName, EntryPoint = "eventfd", SetLastError = true)]
        internal static partial int EventFd(uint initval, int flags);
    }
}
