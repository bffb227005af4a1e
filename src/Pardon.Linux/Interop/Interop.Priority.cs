// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int PRIO_PROCESS = 0;

        // With PRIO_PROCESS and a thread id, setpriority(2) sets one thread's nice value on Linux (the
        // "which == PRIO_PROCESS" case takes a TID; see setpriority(2), BUGS).
        [LibraryImport(LibraryName, EntryPoint = "setpriority", SetLastError = true)]
        internal static partial int SetPriority(int which, uint who, int prio);

        [LibraryImport(LibraryName, EntryPoint = "gettid")]
        internal static partial int GetTid();
    }
}
