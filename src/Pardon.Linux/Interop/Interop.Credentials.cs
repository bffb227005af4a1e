// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>
        /// setresuid/setresgid numbers, for the raw syscall: the C library's wrappers change the credentials of
        /// every thread of the process (glibc's nptl setxid broadcast, POSIX semantics), while the kernel call
        /// changes only the calling task's (kernel/sys.c __sys_setresuid() commits the current task's cred).
        /// arch/x86/entry/syscalls/syscall_64.tbl: 117/119; include/uapi/asm-generic/unistd.h (arm64): 147/149.
        /// </summary>
        internal static long SysSetResUid => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 147 : 117;

        internal static long SysSetResGid => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 149 : 119;

        internal const uint STATX_GID = 0x10;

        [LibraryImport(LibraryName, EntryPoint = "geteuid")]
        internal static partial uint GetEuid();
    }
}
