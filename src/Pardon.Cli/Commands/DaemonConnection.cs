// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Pardons;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Pardons;
using Pardon.Linux.Processes;

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

    /// <summary>
    /// Sends a request or release about process <paramref name="pid"/> (as this client's pid namespace numbers it)
    /// with a pidfd for it attached, so that the daemon acts on this very process whatever namespace either side
    /// is in. When no pidfd can be opened (the process is gone) or the daemon predates pidfds ("unknown field"),
    /// the bare pid is sent, which a daemon in the same namespace understands.
    /// </summary>
    public static async Task<PardonResponse> SendForTargetAsync(string socket, PardonRequestMessage request, int pid, CancellationToken cancellationToken)
    {
        using PidFd? target = PidFd.TryOpen(pid, null, out _);
        try
        {
            if (target is null)
            {
                return await PardonClient.RequestAsync(socket, request, Timeout, cancellationToken);
            }

            PardonResponse response = await PardonClient.RequestAsync(socket, WithPidFd(request), target, Timeout, cancellationToken);
            if (response.Code == PardonCodes.BadRequest && response.Error?.Contains("unknown field \"pidfd\"", StringComparison.Ordinal) == true)
            {
                response = await PardonClient.RequestAsync(socket, request, Timeout, cancellationToken);
            }

            return response;
        }
        catch (PardonClientException ex)
        {
            throw new UserFacingException(ExitCode.Failure, ex.Message);
        }
    }

    /// <summary>The same request, saying that its target is the pidfd sent with it.</summary>
    public static PardonRequestMessage WithPidFd(PardonRequestMessage request) => new()
    {
        Op = request.Op,
        Pid = request.Pid,
        Ttl = request.Ttl,
        Reason = request.Reason,
        PidFd = true,
    };

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
