// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Pardons;

/// <summary>The operations of the pardon protocol ("op" of a request; docs/protocol.md).</summary>
public enum PardonOp
{
    /// <summary>"request": pardon a process (the caller's own by default).</summary>
    Request,

    /// <summary>"release": end a pardon (the caller's own by default).</summary>
    Release,

    /// <summary>"list": every pardon in force.</summary>
    List,

    /// <summary>"status": the daemon's status.</summary>
    Status,
}
