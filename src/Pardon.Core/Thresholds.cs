// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// The configured levels, and the decision they make on a memory reading. Memory and swap must both be
/// low to act (earlyoom's rule): while swap is free the kernel can still make room by swapping, and
/// killing then would be premature. With no swap at all, memory alone decides. The levels are resolved
/// against a reading only through <see cref="Resolve(in MemorySample, out LevelProblems)"/>, which checks
/// that they fit the scope's size (Thresholds.Fit.cs).
/// </summary>
public sealed partial record Thresholds(MemoryLevel TermBelow, MemoryLevel KillBelow, MemoryLevel SwapTermBelow, MemoryLevel SwapKillBelow);
