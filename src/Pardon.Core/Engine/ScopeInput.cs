// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Engine;

/// <summary>
/// What a scope's step is given on each call: the scope's memory reading, the time, and the state of its
/// kill tracker. A partial struct so that other criteria (a memory stall window) add their own reading in
/// a file of their own.
/// </summary>
public readonly partial struct ScopeInput
{
    public ScopeInput(in MemorySample memory, long nowMs, in VictimProgress victim)
    {
        Memory = memory;
        NowMs = nowMs;
        Victim = victim;
    }

    public MemorySample Memory { get; }

    /// <summary>Boot clock, milliseconds.</summary>
    public long NowMs { get; }

    public VictimProgress Victim { get; }
}
