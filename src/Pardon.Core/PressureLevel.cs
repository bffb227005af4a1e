// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>How short memory is, against the configured levels.</summary>
public enum PressureLevel
{
    /// <summary>Above the terminate level (or swap still free).</summary>
    None = 0,

    /// <summary>At or below the terminate level: SIGTERM the victim.</summary>
    Terminate = 1,

    /// <summary>At or below the kill level: SIGKILL the victim and release its memory at once.</summary>
    Kill = 2,
}
