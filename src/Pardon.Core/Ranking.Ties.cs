// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>The kernel's victim when Pardon cannot call it: equal badness in an order it cannot know.</summary>
public sealed partial class Ranking
{
    private int[] _ties = new int[8];
    private int _tieCount;

    /// <summary>
    /// Indices of the candidates that may be the kernel's victim instead of <see cref="KernelVictim"/>: the
    /// same badness, and an iteration order relative to it that cannot be known (see
    /// <see cref="ProcessFacts.OrderBucket"/>). Empty when the kernel's choice is exact.
    /// </summary>
    public ReadOnlySpan<int> KernelVictimTies => _ties.AsSpan(0, _tieCount);

    internal void SetKernelVictimTies(ReadOnlySpan<long> badness, ReadOnlySpan<ProcessFacts> processes)
    {
        _tieCount = KernelOom.TiesWithVictim(badness, processes, KernelVictim, _ties);
        if (_tieCount == _ties.Length)
        {
            // More ties than room (a fleet of identical workers): grow once and count again.
            _ties = new int[processes.Length];
            _tieCount = KernelOom.TiesWithVictim(badness, processes, KernelVictim, _ties);
        }
    }
}
