// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

namespace Pardon.Core.Engine;

// Auto layout: the struct's fields live in two partial declarations, which have no defined order between
// them (CS0282); nothing depends on the order — the input never crosses into native code.
[StructLayout(LayoutKind.Auto)]
public readonly partial struct ScopeInput
{
    /// <summary>
    /// The scope's PSI stall counter read with the memory (microseconds since boot, of the kind the stall
    /// criterion reads), or null when the scope has none or it was not read.
    /// </summary>
    public long? StallTotalUs { get; init; }
}
