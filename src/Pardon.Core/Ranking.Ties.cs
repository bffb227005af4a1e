// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>The kernel's victim when Pardon cannot call it: equal badness in an order it cannot know.</summary>
public sealed partial class Ranking
{
    private int[] _ties = new int[8];
    private int _tieCount;
    private int[] _close = new int[8];
    private int _closeCount;

    /// <summary>
    /// Indices of the candidates that may be the kernel's victim instead of <see cref="KernelVictim"/>: the
    /// same badness, and an iteration order relative to it that cannot be known (see
    /// <see cref="ProcessFacts.OrderBucket"/>). Empty when the kernel's choice is exact.
    /// </summary>
    public ReadOnlySpan<int> KernelVictimTies => _ties.AsSpan(0, _tieCount);

    /// <summary>
    /// Indices of the candidates within reach of the kernel's victim: its mapped file pages, which reclaim
    /// may take before the OOM selects, are worth more than the difference (see
    /// <see cref="KernelOom.CloseCallsWithVictim"/>). Empty when the victim leads by more.
    /// </summary>
    public ReadOnlySpan<int> KernelVictimCloseCalls => _close.AsSpan(0, _closeCount);

    internal void SetKernelVictimTies(ReadOnlySpan<long> badness, ReadOnlySpan<ProcessFacts> processes)
    {
        _tieCount = KernelOom.TiesWithVictim(badness, processes, KernelVictim, _ties);
        if (_tieCount == _ties.Length)
        {
            // More ties than room (a fleet of identical workers): grow once and count again.
            _ties = new int[processes.Length];
            _tieCount = KernelOom.TiesWithVictim(badness, processes, KernelVictim, _ties);
        }

        _closeCount = KernelOom.CloseCallsWithVictim(badness, processes, KernelVictim, KernelVictimTies, _close);
        if (_closeCount == _close.Length)
        {
            _close = new int[processes.Length];
            _closeCount = KernelOom.CloseCallsWithVictim(badness, processes, KernelVictim, KernelVictimTies, _close);
        }
    }
}
