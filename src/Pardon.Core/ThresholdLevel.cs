// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>One of the four levels of <see cref="Thresholds"/>, to name it in a message (a config key or a flag).</summary>
public enum ThresholdLevel
{
    Term,
    Kill,
    SwapTerm,
    SwapKill,
}
