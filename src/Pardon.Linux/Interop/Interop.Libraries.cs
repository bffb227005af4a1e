// This file is part of Pardon, a userspace OOM killer for Linux.

internal static partial class Interop
{
    internal static partial class Libc
    {
        // The C library the process already has loaded; "libc" resolves to it through the runtime's probing.
        internal const string LibraryName = "libc";
    }
}
