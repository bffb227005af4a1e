// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using Pardon.Daemon.Pardons;

namespace Pardon.Cli.Commands;

/// <summary>`pardon release`: end a pardon early. Exit 0 released, 3 refused (not pardoned, not yours), 1 no daemon.</summary>
internal static class ReleaseCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        Option<int?> pid = RequestCommand.PidOption("The pardoned process. Default: the process that ran `pardon` (its parent).");
        Option<string?> socket = CommonOptions.Socket();
        var command = new Command("release",
            "End a pardon: yours (you asked for it, or the process is yours) or, as root, any. " +
            "Exit status: 0 released, 3 refused (the reason on stderr), 1 daemon unreachable.")
        {
            pid, socket,
        };
        command.SetAction(async (parse, ct) =>
        {
            int target = parse.GetValue(pid) ?? DaemonConnection.DefaultTarget();
            string path = DaemonConnection.Resolve(parse.GetValue(socket));
            PardonResponse response = await DaemonConnection.SendForTargetAsync(path, new PardonRequestMessage { Op = "release", Pid = target }, target, ct);
            if (!response.Ok)
            {
                error.WriteLine("pardon: " + (response.Error ?? "the daemon refused without saying why"));
                return (int)DaemonConnection.ExitCodeOf(response);
            }

            output.WriteLine(response.Pardon is PardonInfo p ? $"released the pardon of {p.Pid} ({RankTable.Sanitize(p.Comm)})" : $"released the pardon of {target}");
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
