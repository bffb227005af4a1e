// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Engine;

/// <summary>What a scope's step asks the engine to do now.</summary>
public enum ScopeAction
{
    /// <summary>Nothing: sleep until the decision's wake-up time.</summary>
    None = 0,

    /// <summary>Choose a victim on a fresh scan and send it SIGTERM.</summary>
    ActTerm,

    /// <summary>Choose a victim on a fresh scan and send it SIGKILL.</summary>
    ActKill,

    /// <summary>The victim got SIGTERM and is still alive: send SIGKILL (the kill level was reached, or the grace ended).</summary>
    Escalate,

    /// <summary>The victim got SIGKILL and has not exited within the exit timeout (stuck in D state?): give up on it and choose again.</summary>
    Abandon,
}
