// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // asm-generic/signal.h (x86-64 and arm64 agree)
        internal const int SIGKILL = 9;
        internal const int SIGTERM = 15;
        internal const int SIGCONT = 18;

        [LibraryImport(LibraryName, EntryPoint = "kill", SetLastError = true)]
        internal static partial int Kill(int pid, int signal);

        [LibraryImport(LibraryName, EntryPoint = "getpid")]
        internal static partial int GetPid();
    }
}
