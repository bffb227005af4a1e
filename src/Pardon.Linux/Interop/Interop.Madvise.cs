// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // asm-generic/mman-common.h (Linux 5.4+): reclaim these pages now, as memory pressure would. Dirty
        // anonymous pages go to swap or stay; clean file pages are dropped from this mapping (and from the
        // page cache when no one else maps them). Never loses data, unlike MADV_DONTNEED.
        internal const int MADV_PAGEOUT = 21;

        [LibraryImport(LibraryName, EntryPoint = "madvise", SetLastError = true)]
        internal static partial int Madvise(nint address, nuint length, int advice);
    }
}
