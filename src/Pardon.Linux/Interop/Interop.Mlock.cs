// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // asm-generic/mman-common.h; x86-64 and arm64 use the generic values (unlike powerpc/sparc).
        internal const int MCL_CURRENT = 1;
        internal const int MCL_FUTURE = 2;
        internal const int MCL_ONFAULT = 4;

        [LibraryImport(LibraryName, EntryPoint = "mlockall", SetLastError = true)]
        internal static partial int MlockAll(int flags);
    }
}
