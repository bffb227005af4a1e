// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        [LibraryImport(LibraryName, EntryPoint = "read", SetLastError = true)]
        internal static unsafe partial nint Read(int fd, byte* buffer, nuint count);

        [LibraryImport(LibraryName, EntryPoint = "pread64", SetLastError = true)]
        internal static unsafe partial nint PRead(int fd, byte* buffer, nuint count, long offset);

        [LibraryImport(LibraryName, EntryPoint = "write", SetLastError = true)]
        internal static unsafe partial nint Write(int fd, byte* buffer, nuint count);
    }
}
