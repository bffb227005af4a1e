// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// Why configured levels do not fit a scope (<see cref="Thresholds.Check"/>). A memory level at or above the
/// scope's total is always reached — every reading would be a shortage and Pardon would kill one process
/// after another — and a kill level above its terminate level would skip SIGTERM.
/// </summary>
[Flags]
public enum LevelProblems
{
    None = 0,

    /// <summary>term_below is not below the scope's total memory.</summary>
    TermNotBelowTotal = 1 << 0,

    /// <summary>kill_below is not below the scope's total memory.</summary>
    KillNotBelowTotal = 1 << 1,

    /// <summary>kill_below resolves above term_below (a percentage and a size compared at this size).</summary>
    KillAboveTerm = 1 << 2,

    /// <summary>swap_term_below is above the scope's swap (only "100%", which ignores swap, may equal it).</summary>
    SwapTermNotBelowTotal = 1 << 3,

    /// <summary>swap_kill_below is above the scope's swap.</summary>
    SwapKillNotBelowTotal = 1 << 4,

    /// <summary>swap_kill_below resolves above swap_term_below.</summary>
    SwapKillAboveSwapTerm = 1 << 5,

    /// <summary>Any problem of the memory pair.</summary>
    Memory = TermNotBelowTotal | KillNotBelowTotal | KillAboveTerm,

    /// <summary>Any problem of the swap pair.</summary>
    Swap = SwapTermNotBelowTotal | SwapKillNotBelowTotal | SwapKillAboveSwapTerm,
}
