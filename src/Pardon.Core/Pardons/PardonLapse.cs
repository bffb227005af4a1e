// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>Why a pardon in force does not protect its process in a ranking, judged from that ranking's own scan.</summary>
public enum PardonLapse
{
    /// <summary>The pardon protects the process.</summary>
    None,

    /// <summary>The process holds more memory than the pardon's ceiling.</summary>
    OverCeiling,

    /// <summary>The process runs another executable (device + inode) than the one it was pardoned for: it exec'd.</summary>
    ExeChanged,
}
