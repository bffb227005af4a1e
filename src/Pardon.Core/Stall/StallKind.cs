// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Stall;

/// <summary>
/// Which PSI line a stall criterion reads (Documentation/accounting/psi.rst): "some" counts time in which at
/// least one task was stalled on memory, "full" time in which all non-idle tasks were stalled at once — the
/// scope made no progress at all, which is what a user sees as a freeze.
/// </summary>
public enum StallKind
{
    Full = 0,
    Some = 1,
}
