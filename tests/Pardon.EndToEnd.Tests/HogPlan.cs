// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.EndToEnd.Tests;

/// <summary>One hog of a victim-prediction trial: its size, its oom_score_adj, and the badness they make.</summary>
/// <param name="Mib">MiB it allocates and touches.</param>
/// <param name="Adj">The oom_score_adj it sets (raising needs no privilege).</param>
/// <param name="BadnessPages">Its expected kernel badness, from the two terms the test controls.</param>
/// <param name="Victim">True for the hog the kernel should kill.</param>
public sealed record HogPlan(int Mib, int Adj, long BadnessPages, bool Victim)
{
    public override string ToString() => $"{Mib} MiB adj {Adj}{(Victim ? " (victim)" : "")}";
}
