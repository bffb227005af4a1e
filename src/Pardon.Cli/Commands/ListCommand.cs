// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using System.Text.Json;
using Pardon.Core;
using Pardon.Daemon.Pardons;
using Pardon.Linux;

namespace Pardon.Cli.Commands;

/// <summary>`pardon list`: the pardons in force.</summary>
internal static class ListCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        Option<bool> json = CommonOptions.Json();
        Option<string?> socket = CommonOptions.Socket();
        var command = new Command("list", "List the pardons in force: process, owner, rule, ceiling, memory, expiry, kernel protection, reason.")
        {
            json, socket,
        };
        command.SetAction(async (parse, ct) =>
        {
            string path = DaemonConnection.Resolve(parse.GetValue(socket));
            PardonResponse response = await DaemonConnection.SendAsync(path, new PardonRequestMessage { Op = "list" }, ct);
            if (!response.Ok)
            {
                error.WriteLine("pardon: " + response.Error);
                return (int)DaemonConnection.ExitCodeOf(response);
            }

            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(response, ProtocolJson.Indented.PardonResponse));
                return (int)ExitCode.Ok;
            }

            List<PardonInfo> pardons = response.Pardons ?? [];
            if (pardons.Count == 0)
            {
                output.WriteLine("no pardons in force");
            }
            else
            {
                var users = new UserNames();
                var rows = new List<string[]> { new[] { "PID", "NAME", "OWNER", "RULE", "USED", "CEILING", "EXPIRES", "KERNEL", "REASON" } };
                foreach (PardonInfo p in pardons)
                {
                    rows.Add(
                    [
                        PardonText.Number(p.Pid),
                        RankTable.Sanitize(p.Comm),
                        users.NameOf(p.Uid) ?? PardonText.Number(p.Uid),
                        p.Rule,
                        p.RssKiB is long used ? Units.FormatKiB(used) : "?",
                        p.MaxRssKiB > 0 ? Units.FormatKiB(p.MaxRssKiB) : "none",
                        PardonText.Expires(p),
                        p.KernelProtected ? "yes" : "no",
                        RankTable.Sanitize(p.Reason),
                    ]);
                }

                WriteTable(output, rows);
            }

            if (response.KernelProtect == false)
            {
                output.WriteLine("kernel protection: off (the daemon lacks CAP_SYS_RESOURCE): Pardon spares these processes; the kernel's own OOM killer might not");
            }

            return (int)ExitCode.Ok;
        });
        return command;
    }

    public static void WriteTable(TextWriter output, List<string[]> rows)
    {
        int[] widths = new int[rows[0].Length];
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (string[] row in rows)
        {
            var cells = new string[row.Length];
            for (int i = 0; i < row.Length; i++)
            {
                cells[i] = i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i]);
            }

            output.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }
}
