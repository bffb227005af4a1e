// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Monitor;

/// <summary>How an attempt to act on a shortage ended.</summary>
public enum KillOutcome
{
    /// <summary>The victim exited.</summary>
    Exited,

    /// <summary>The victim was gone before it could be signalled (it exited on its own): re-evaluate.</summary>
    Vanished,

    /// <summary>Nobody could be chosen.</summary>
    NoCandidate,

    /// <summary>Dry run: decided and logged, nothing signalled.</summary>
    DryRun,

    /// <summary>The signal failed or the victim never exited.</summary>
    Failed,

    /// <summary>The daemon is stopping.</summary>
    Stopped,
}
