// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // include/uapi/linux/inotify.h
        internal const int IN_CLOEXEC = O_CLOEXEC;
        internal const int IN_NONBLOCK = O_NONBLOCK;
        internal const uint IN_MOVED_FROM = 0x00000040;
        internal const uint IN_MOVED_TO = 0x00000080;
        internal const uint IN_CREATE = 0x00000100;
        internal const uint IN_DELETE = 0x00000200;
        internal const uint IN_DELETE_SELF = 0x00000400;
        internal const uint IN_MOVE_SELF = 0x00000800;
        internal const uint IN_Q_OVERFLOW = 0x00004000;
        internal const uint IN_IGNORED = 0x00008000;
        internal const uint IN_ONLYDIR = 0x01000000;
        internal const uint IN_ISDIR = 0x40000000;

        /// <summary>sizeof(struct inotify_event) without its name: wd, mask, cookie, len.</summary>
        internal const int InotifyEventHeaderSize = 16;

        [LibraryImport(LibraryName, EntryPoint = "inotify_init1", SetLastError = true)]
        internal static partial int InotifyInit1(int flags);

        [LibraryImport(LibraryName, EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int InotifyAddWatch(int fd, string path, uint mask);

        [LibraryImport(LibraryName, EntryPoint = "inotify_rm_watch", SetLastError = true)]
        internal static partial int InotifyRmWatch(int fd, int wd);
    }
}
