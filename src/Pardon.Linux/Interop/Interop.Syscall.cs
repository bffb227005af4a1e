// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // Raw syscall(2) for calls that older C libraries do not wrap (glibc wraps pidfd_* only since 2.36,
        // kcmp never). On x86-64 and arm64 integer variadic arguments travel like fixed ones, so a
        // fixed-arity declaration is correct there; Pardon is Linux-only and those are its targets.
        [LibraryImport(LibraryName, EntryPoint = "syscall", SetLastError = true)]
        internal static partial long Syscall(long number, long arg1, long arg2, long arg3, long arg4, long arg5);

        /// <summary>System call numbers. pidfd_* and process_mrelease use the unified numbering (424+) on every architecture.</summary>
        internal static class SyscallNumbers
        {
            internal const long pidfd_send_signal = 424;
            internal const long pidfd_open = 434;
            internal const long process_mrelease = 448;

            // kcmp predates the unified numbering: arch/x86/entry/syscalls/syscall_64.tbl vs include/uapi/asm-generic/unistd.h.
            internal static long kcmp => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 272 : 312;
        }
    }
}
