// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const short POLLIN = 0x001;
        internal const short POLLPRI = 0x002;
        internal const short POLLERR = 0x008;
        internal const short POLLHUP = 0x010;
        internal const short POLLNVAL = 0x020;

        [StructLayout(LayoutKind.Sequential)]
        internal struct PollFd
        {
            internal int fd;
            internal short events;
            internal short revents;
        }

        [LibraryImport(LibraryName, EntryPoint = "poll", SetLastError = true)]
        internal static unsafe partial int Poll(PollFd* fds, nuint nfds, int timeoutMs);
    }
}
