// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Daemon.Monitor;

/// <summary>
/// Counters the monitor thread updates and other threads read (status, metrics). Plain fields written by
/// one thread; readers accept a torn read of an unrelated pair, never of a single 64-bit value on x64/arm64.
/// The per-scope figures are in <see cref="Scopes"/>; the top-level sample, levels and poll interval are
/// those of the first scope (the only one, in the single-scope case), the counters are totals.
/// </summary>
public sealed class MonitorStatistics
{
    private ScopeStatistics[] _scopes = [];

    public MemorySample LastSample;
    public ResolvedThresholds LastThresholds;
    public double LastPollIntervalMs;
    public long Iterations;
    public long Scans;
    public long Kills;
    public long Escalations;
    public long PressureEpisodes;
    public string? LastKill;
    public double LastLatencyMs;

    /// <summary>Idle iterations (no pressure, no process started or ended) measured for allocations.</summary>
    public long SteadyIterations;

    /// <summary>Bytes the monitor thread allocated during those iterations: the "allocates nothing" check.</summary>
    public long SteadyAllocatedBytes;

    /// <summary>Scopes started and ended while running (cgroups created and removed after start-up included).</summary>
    public long ScopesAdded;

    public long ScopesRemoved;

    /// <summary>The scopes watched now, in the order they were added. A new array is published on each change.</summary>
    public IReadOnlyList<ScopeStatistics> Scopes => Volatile.Read(ref _scopes);

    internal void Publish(ScopeStatistics[] scopes) => Volatile.Write(ref _scopes, scopes);
}
