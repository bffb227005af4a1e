// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Engine;

/// <summary>How the engine's attempt to act on a shortage ended (what it tells the scope's step).</summary>
public enum ActOutcome
{
    /// <summary>The victim was signalled; the kill tracker now follows it.</summary>
    Signalled,

    /// <summary>The victim was gone before it could be signalled (it exited on its own): decide again at once.</summary>
    Vanished,

    /// <summary>Nobody could be chosen.</summary>
    NoCandidate,

    /// <summary>Dry run: decided and logged, nothing signalled.</summary>
    DryRun,

    /// <summary>The signal failed, or the scope could not be evaluated.</summary>
    Failed,
}
