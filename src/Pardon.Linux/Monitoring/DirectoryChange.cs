// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Monitoring;

/// <summary>What an inotify event of a <see cref="DirectoryWatcher"/> says happened.</summary>
public enum DirectoryChange
{
    /// <summary>A subdirectory was created (or moved in).</summary>
    Created,

    /// <summary>A subdirectory was removed (or moved out).</summary>
    Removed,

    /// <summary>The watched directory itself was removed or moved.</summary>
    SelfRemoved,

    /// <summary>The kernel dropped the watch (its directory is gone, or it was removed).</summary>
    WatchEnded,

    /// <summary>Events were lost (the queue overflowed): the whole tree must be looked at again.</summary>
    Overflow,
}
