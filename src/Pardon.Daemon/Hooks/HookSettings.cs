// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Daemon.Configuration;

namespace Pardon.Daemon.Hooks;

/// <summary>Which commands run on which events, and how they are limited.</summary>
public sealed record HookSettings
{
    public IReadOnlyList<HookCommand> OnKill { get; init; } = [];

    public IReadOnlyList<HookCommand> OnPressure { get; init; } = [];

    public IReadOnlyList<HookCommand> OnWarning { get; init; } = [];

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxConcurrent { get; init; } = 2;

    /// <summary>Runs that may wait for a free slot; more are dropped (and reported).</summary>
    public int QueueLimit { get; init; } = 64;

    public bool IsEmpty => OnKill.Count == 0 && OnPressure.Count == 0 && OnWarning.Count == 0;

    public static HookSettings From(PardonConfig c) => new()
    {
        OnKill = c.HooksOnKill,
        OnPressure = c.HooksOnPressure,
        OnWarning = c.HooksOnWarning,
        Timeout = c.HooksTimeout,
        MaxConcurrent = c.HooksMaxConcurrent,
    };
}
