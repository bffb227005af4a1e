// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>
/// Where the pardon worker publishes each new <see cref="PardonSnapshot"/>: one reference swapped atomically,
/// so readers (the monitor thread above all) never take a lock or wait for the worker, and always see one
/// whole snapshot. This is the <see cref="IPardonView"/> the monitor is given once, at start.
/// </summary>
public sealed class PublishedPardons : IPardonView
{
    private PardonSnapshot _current = PardonSnapshot.Empty;

    /// <summary>The latest snapshot.</summary>
    public PardonSnapshot Current => Volatile.Read(ref _current);

    /// <summary>How many pardons are in force.</summary>
    public int Count => Current.Count;

    public PardonGrant? Find(ProcessFacts process) => Current.Find(process);

    /// <summary>Makes <paramref name="snapshot"/> the one every reader sees from now on.</summary>
    public void Publish(PardonSnapshot snapshot) => Volatile.Write(ref _current, snapshot);
}
