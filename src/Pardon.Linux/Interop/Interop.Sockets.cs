// This file is part of Pardon, a userspace OOM killer for Linux.

internal static partial class Interop
{
    internal static partial class Libc
    {
        // asm-generic/socket.h; x86-64 and arm64 use the generic values. Read through
        // Socket.GetRawSocketOption, so no P/Invoke is needed for these.
        internal const int SOL_SOCKET = 1;

        /// <summary>struct ucred { pid_t pid; uid_t uid; gid_t gid; } of the peer, captured by the kernel at connect(2).</summary>
        internal const int SO_PEERCRED = 17;

        /// <summary>A pidfd for the peer process (Linux 6.5+); ENOPROTOOPT before.</summary>
        internal const int SO_PEERPIDFD = 77;
    }
}
