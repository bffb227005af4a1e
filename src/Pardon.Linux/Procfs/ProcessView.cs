// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Linux.Procfs;

/// <summary>
/// One scope's processes as a view of a shared <see cref="ProcessTable"/>: which of the table's processes
/// the scope held at its last scan, in the kernel's iteration order for that scope (for a memory cgroup:
/// the pre-order walk of its subtree, then each cgroup's cgroup.procs order; for the system: creation
/// order). A process that several scopes contain is read once per scan round and appears in each view.
/// Created and scanned through the table, on the table's thread.
/// </summary>
public sealed class ProcessView
{
    internal ProcessView(ProcessTable table, IPidSource source)
    {
        Table = table;
        Source = source;
    }

    public ProcessTable Table { get; }

    /// <summary>Lists the scope's processes.</summary>
    public IPidSource Source { get; }

    /// <summary>The processes of the last scan, in the kernel's iteration order for the scope.</summary>
    public ReadOnlySpan<ProcessFacts> Processes => FactsBuffer.AsSpan(0, Count);

    public int Count { get; internal set; }

    /// <summary>False when the last scan found the scope itself gone (a removed cgroup): the view is then empty.</summary>
    public bool SourceAvailable { get; internal set; } = true;

    /// <summary>True once the view is removed from its table.</summary>
    public bool Removed { get; internal set; }

    internal PidList Pids { get; } = new();

    internal Member[] Members = new Member[64];

    internal Member[] Previous = new Member[64];

    internal ProcessFacts[] FactsBuffer = new ProcessFacts[64];

    /// <summary>One process of the view, with where the scope's pid source listed it (its cgroup's walk rank, its position).</summary>
    internal struct Member
    {
        internal ProcessTable.Entry Entry;
        internal int Group;
        internal int Position;
    }
}
