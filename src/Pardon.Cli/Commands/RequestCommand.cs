// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using Pardon.Core;
using Pardon.Daemon.Pardons;

namespace Pardon.Cli.Commands;

/// <summary>`pardon request`: ask the daemon to spare a process. Exit 0 granted, 3 denied (why on stderr), 2 usage, 1 no daemon.</summary>
internal static class RequestCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        Option<int?> pid = PidOption("The process to pardon. Default: the process that ran `pardon` (its parent), e.g. the script that calls it.");
        var ttl = new Option<string?>("--ttl")
        {
            Description = "End the pardon after this long (\"30s\", \"10m\", \"2h\"). Default: none, or the allow rule's max_ttl.",
            HelpName = "DURATION",
        };
        var reason = new Option<string?>("--reason")
        {
            Description = "Why, for people: shown by `pardon list` and in the daemon's log.",
            HelpName = "TEXT",
        };
        Option<string?> socket = CommonOptions.Socket();
        var command = new Command("request",
            "Ask the daemon to spare a process: granted to root for any process, to others for their own processes running an executable pardon.allow names, " +
            "under a memory ceiling. Exit status: 0 granted, 3 denied (the reason on stderr), 2 usage error, 1 daemon unreachable.")
        {
            pid, ttl, reason, socket,
        };
        command.SetAction(async (parse, ct) =>
        {
            int target = parse.GetValue(pid) ?? DaemonConnection.DefaultTarget();
            string? ttlText = ParseTtl(parse.GetValue(ttl));
            string path = DaemonConnection.Resolve(parse.GetValue(socket));
            PardonResponse response = await DaemonConnection.SendForTargetAsync(path, new PardonRequestMessage
            {
                Op = "request",
                Pid = target,
                Ttl = ttlText,
                Reason = parse.GetValue(reason),
            }, target, ct);
            if (!response.Ok || response.Pardon is not PardonInfo p)
            {
                error.WriteLine("pardon: " + (response.Error ?? "the daemon refused without saying why"));
                return (int)DaemonConnection.ExitCodeOf(response);
            }

            output.WriteLine($"{(response.Renewed == true ? "renewed" : "pardoned")} {PardonText.Describe(p)}; {PardonText.KernelProtection(response.KernelProtect, p.KernelProtected)}");
            return (int)ExitCode.Ok;
        });
        return command;
    }

    /// <summary>--pid, validated: a usage error (exit 2) rather than a request the daemon would refuse.</summary>
    public static Option<int?> PidOption(string description) => CommonOptions.Pid(description);

    /// <summary>Checks --ttl here so a typo is a usage error; sends it on in canonical form.</summary>
    public static string? ParseTtl(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!Sizes.TryParseDuration(text, out TimeSpan ttl, out string why) || ttl <= TimeSpan.Zero)
        {
            throw new UserFacingException(ExitCode.Usage, "--ttl: " + (why.Length > 0 ? why : $"\"{text}\" must be positive"));
        }

        if (ttl.TotalMilliseconds > PardonRequestParser.MaxTtlMs)
        {
            throw new UserFacingException(ExitCode.Usage, $"--ttl: \"{text}\" is longer than {Sizes.FormatDuration(TimeSpan.FromMilliseconds(PardonRequestParser.MaxTtlMs))}; leave --ttl out for a pardon without expiry");
        }

        return Sizes.FormatDuration(ttl);
    }
}
