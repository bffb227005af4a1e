// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Pardons;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Pardons;

namespace Pardon.Cli.Commands;

/// <summary>What the pardon subcommands share: where the daemon listens, and how its answers become exit codes.</summary>
internal static class DaemonConnection
{
    /// <summary>Long enough for a daemon under memory pressure; a dead one fails at connect, at once.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>--socket, else pardon.socket of the configuration, else the default. A broken configuration file is the daemon's problem, not the client's.</summary>
    public static string Resolve(string? socketOption)
    {
        if (socketOption is not null)
        {
            return socketOption;
        }

        try
        {
            return ConfigLoader.Load(null).Socket;
        }
        catch (Exception ex) when (ex is ConfigException or IOException or UnauthorizedAccessException)
        {
            return new PardonConfig().Socket;
        }
    }

    /// <summary>Sends one request; an unreachable or misbehaving daemon becomes exit code 1 with its message.</summary>
    public static async Task<PardonResponse> SendAsync(string socket, PardonRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await PardonClient.RequestAsync(socket, request, Timeout, cancellationToken);
        }
        catch (PardonClientException ex)
        {
            throw new UserFacingException(ExitCode.Failure, ex.Message);
        }
    }

    /// <summary>The exit code for a failed response: 2 for a malformed request, 1 when the daemon failed, 3 for a refusal.</summary>
    public static ExitCode ExitCodeOf(PardonResponse response) => response.Ok ? ExitCode.Ok : response.Code switch
    {
        PardonCodes.BadRequest => ExitCode.Usage,
        PardonCodes.Busy or PardonCodes.Internal => ExitCode.Failure,
        _ => ExitCode.Denied,
    };

    /// <summary>The target of request/release without --pid: the process that ran `pardon` (as systemd-notify does), since `pardon` itself exits at once.</summary>
    public static int DefaultTarget() => Linux.Sockets.PeerCredentials.ParentPid();
}
