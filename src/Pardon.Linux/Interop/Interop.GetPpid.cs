// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>getppid(2): never fails.</summary>
        [LibraryImport(LibraryName, EntryPoint = "getppid")]
        internal static partial int GetPpid();
    }
}
