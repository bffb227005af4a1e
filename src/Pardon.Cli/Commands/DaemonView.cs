// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Cli.Commands;

/// <summary>What a running daemon tells `rank` and `explain`: its pid and the pardons in force.</summary>
internal sealed class DaemonView
{
    public int? DaemonPid { get; private init; }

    public IPardonView? Pardons { get; private init; }

    public string? Note { get; private init; }

    public static DaemonView TryConnect(string socketPath)
    {
        // Filled in with the pardon protocol: until then no daemon is consulted.
        _ = socketPath;
        return new DaemonView { Note = null };
    }
}
