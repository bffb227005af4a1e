// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // sys/socket.h, asm-generic/socket.h (x86-64 and arm64)
        internal const int SCM_RIGHTS = 1;
        internal const int MSG_CTRUNC = 0x8;
        internal const int MSG_DONTWAIT = 0x40;
        internal const int MSG_NOSIGNAL = 0x4000;
        internal const int MSG_CMSG_CLOEXEC = 0x40000000;

        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct IoVec
        {
            internal byte* iov_base;
            internal nuint iov_len;
        }

        /// <summary>struct msghdr on 64-bit Linux (the socklen_t is padded to 8 bytes by the pointer after it).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct MsgHdr
        {
            internal void* msg_name;
            internal uint msg_namelen;
            internal IoVec* msg_iov;
            internal nuint msg_iovlen;
            internal void* msg_control;
            internal nuint msg_controllen;
            internal int msg_flags;
        }

        /// <summary>struct cmsghdr: its data follows at an 8-byte aligned offset (CMSG_DATA).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct CmsgHdr
        {
            internal nuint cmsg_len;
            internal int cmsg_level;
            internal int cmsg_type;
        }

        [LibraryImport(LibraryName, EntryPoint = "sendmsg", SetLastError = true)]
        internal static unsafe partial nint SendMsg(int fd, MsgHdr* msg, int flags);

        [LibraryImport(LibraryName, EntryPoint = "recvmsg", SetLastError = true)]
        internal static unsafe partial nint RecvMsg(int fd, MsgHdr* msg, int flags);
    }
}
