// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using System.Text.Json;
using Pardon.Core;
using Pardon.Daemon;
using Pardon.Daemon.Reports;

namespace Pardon.Cli.Commands;

/// <summary>`pardon rank`: who dies next — the kernel's choice, reproduced exactly, and Pardon's, with reasons.</summary>
internal static class RankCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        Option<string?> cgroup = CommonOptions.Cgroup();
        Option<bool> json = CommonOptions.Json();
        Option<string?> config = CommonOptions.Config();
        Option<string?> socket = CommonOptions.Socket();
        var all = new Option<bool>("--all")
        {
            Description = "Include processes the kernel never kills (kernel threads, pid 1, oom_score_adj -1000, zombies).",
        };
        var command = new Command("rank", "Show who dies next: the kernel's victim (its own badness, reproduced exactly), Pardon's victim, and why.")
        {
            cgroup, json, all, config, socket,
        };
        command.SetAction((parse, ct) =>
        {
            using RankContext context = RankContext.Create(parse.GetValue(cgroup), parse.GetValue(config), parse.GetValue(socket));
            Ranking ranking = context.Monitor.ScanAndRank(context.Pardons);
            context.Monitor.Scope.Memory.TryRead(ranking.NowMs, out MemorySample memory);
            RankReport report = RankReportBuilder.Build(ranking, memory, parse.GetValue(all), context.Users.NameOf);
            report.Daemon = new DaemonReport { Pid = context.DaemonPid, PardonsIncluded = context.Pardons is not null, Note = context.DaemonNote };
            report.Stall = StallReport.Read(context.Stall, context.Monitor.Scope.Cgroup);
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(report, PardonJsonContext.Default.RankReport));
            }
            else
            {
                RankTable.Write(output, report, context.DaemonNote);
            }

            return Task.FromResult((int)ExitCode.Ok);
        });
        return command;
    }
}
