// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // include/uapi/linux/eventpoll.h
        internal const int EPOLL_CLOEXEC = O_CLOEXEC;
        internal const int EPOLL_CTL_ADD = 1;
        internal const int EPOLL_CTL_DEL = 2;
        internal const int EPOLL_CTL_MOD = 3;
        internal const uint EPOLLIN = 0x001;
        internal const uint EPOLLPRI = 0x002;
        internal const uint EPOLLERR = 0x008;
        internal const uint EPOLLHUP = 0x010;

        /// <summary>
        /// sizeof(struct epoll_event): { __u32 events; __u64 data; } is packed on x86-64 (12 bytes, data at
        /// offset 4: EPOLL_PACKED in include/uapi/linux/eventpoll.h) and naturally aligned elsewhere (16, at 8).
        /// </summary>
        internal static int EpollEventSize => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

        /// <summary>Offset of epoll_event.data; see <see cref="EpollEventSize"/>.</summary>
        internal static int EpollDataOffset => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

        [LibraryImport(LibraryName, EntryPoint = "epoll_create1", SetLastError = true)]
        internal static partial int EpollCreate1(int flags);

        /// <param name="ev">An epoll_event laid out as <see cref="EpollEventSize"/> says (null for EPOLL_CTL_DEL).</param>
        [LibraryImport(LibraryName, EntryPoint = "epoll_ctl", SetLastError = true)]
        internal static unsafe partial int EpollCtl(int epfd, int op, int fd, byte* ev);

        [LibraryImport(LibraryName, EntryPoint = "epoll_wait", SetLastError = true)]
        internal static unsafe partial int EpollWait(int epfd, byte* events, int maxEvents, int timeoutMs);
    }
}
