// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Pardons;
using Pardon.Daemon.Pardons;

namespace Pardon.Cli.Commands;

/// <summary>What a running daemon tells `rank` and `explain`: its pid and the pardons in force.</summary>
internal sealed class DaemonView
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMilliseconds(500);

    public int? DaemonPid { get; private init; }

    public IPardonView? Pardons { get; private init; }

    public string? Note { get; private init; }

    /// <summary>
    /// Asks a running daemon for its pardons and pid, quickly: no daemon (no socket, or a stale one) answers
    /// at once and is silent; a daemon that does not answer within half a second earns a note, not a wait.
    /// </summary>
    public static DaemonView TryConnect(string socketPath) => TryConnect(socketPath, s_timeout);

    /// <inheritdoc cref="TryConnect(string)"/>
    /// <param name="socketPath">The daemon's socket.</param>
    /// <param name="timeout">How long to wait for the answer.</param>
    internal static DaemonView TryConnect(string socketPath, TimeSpan timeout)
    {
        PardonResponse response;
        try
        {
            response = PardonClient.RequestAsync(socketPath, new PardonRequestMessage { Op = "list" }, timeout)
                .GetAwaiter().GetResult();
        }
        catch (PardonClientException ex)
        {
            return new DaemonView { Note = ex.NoDaemon ? null : $"note: pardons not shown: {ex.Message}" };
        }

        if (!response.Ok)
        {
            return new DaemonView { Note = $"note: pardons not shown: the daemon at {socketPath} answered: {response.Error}" };
        }

        var pardons = new PardonSnapshot((response.Pardons ?? []).Select(p => p.ToGrant()));
        int count = pardons.Count;
        return new DaemonView
        {
            DaemonPid = response.DaemonPid,
            Pardons = pardons,
            Note = $"daemon {response.DaemonPid}: {count} pardon{(count == 1 ? "" : "s")} in force" +
                (count > 0 && response.KernelProtect == false ? " (binding Pardon only: the daemon lacks CAP_SYS_RESOURCE)" : ""),
        };
    }
}
