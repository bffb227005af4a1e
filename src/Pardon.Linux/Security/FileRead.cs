// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Security;

/// <summary>How <see cref="SecureDirectory.TryRead"/> went.</summary>
public enum FileRead
{
    /// <summary>Read; the content may be trusted as far as ownership goes.</summary>
    Read,

    /// <summary>No such file.</summary>
    Missing,

    /// <summary>There is a file, but not one to trust: a symlink, not a regular file, another owner, writable by others, too large.</summary>
    Untrusted,

    /// <summary>An I/O error: the file may be fine, it could not be read now.</summary>
    Failed,
}
