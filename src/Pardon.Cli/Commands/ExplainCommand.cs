// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pardon.Core;
using Pardon.Daemon;
using Pardon.Daemon.Reports;
using Pardon.Linux;

namespace Pardon.Cli.Commands;

/// <summary>`pardon explain PID`: one process's standing, with every term of the kernel's and Pardon's arithmetic.</summary>
internal static class ExplainCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        Argument<int> pidArgument = CommonOptions.PidArgument("explain", "The process to explain.");
        Option<string?> cgroup = CommonOptions.Cgroup();
        Option<bool> json = CommonOptions.Json();
        Option<string?> config = CommonOptions.Config();
        Option<string?> socket = CommonOptions.Socket();
        var command = new Command("explain", "Explain one process's score: the kernel's badness term by term, its oom_score, and Pardon's adjustments.")
        {
            pidArgument, cgroup, json, config, socket,
        };
        command.SetAction((parse, ct) =>
        {
            int pid = parse.GetValue(pidArgument);
            if (pid <= 0)
            {
                throw new UserFacingException(ExitCode.Usage, $"explain: {pid} is not a process id");
            }

            using RankContext context = RankContext.Create(parse.GetValue(cgroup), parse.GetValue(config), parse.GetValue(socket));
            Ranking ranking = context.ScanAndRank(context.Pardons);
            int index = -1;
            for (int i = 0; i < ranking.Count; i++)
            {
                if (ranking[i].Process.Pid == pid)
                {
                    index = i;
                    break;
                }
            }

            if (index < 0)
            {
                string where = parse.GetValue(cgroup) is string dir ? $" in cgroup {dir}" : "";
                throw new UserFacingException(ExitCode.Failure, Directory.Exists($"/proc/{pid}") && where.Length > 0
                    ? $"explain: process {pid} is not{where}"
                    : $"explain: no process {pid}{where}");
            }

            int[] order = ranking.CandidatesInOrder();
            int place = Array.IndexOf(order, index);
            ref Evaluation e = ref ranking[index];
            var report = new ExplainReport
            {
                Scope = RankReportBuilder.Scope(ranking.Scope),
                Process = RankReportBuilder.Process(ranking, index, context.Users.NameOf),
                Rank = place >= 0 ? place + 1 : null,
                Candidates = order.Length,
                KernelVictim = ranking.KernelVictim >= 0 ? ranking[ranking.KernelVictim].Process.Pid : null,
                Victim = ranking.Victim >= 0 ? ranking[ranking.Victim].Process.Pid : null,
                Breakdown = Explanation.Breakdown(in e, ranking.Scope),
                KernelVictimTies = RankReportBuilder.Ties(ranking),
                Kernel = RankReportBuilder.Kernel(KernelOomSettingsReader.Read(ranking.Scope), ranking),
            };
            if (report.Process.Tie)
            {
                report.Breakdown.Add(Explanation.DescribeTie(ranking.Scope, report.KernelVictimTies.Append(report.KernelVictim ?? 0).Where(x => x != pid)));
            }

            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(report, PardonJsonContext.Default.ExplainReport));
                return Task.FromResult((int)ExitCode.Ok);
            }

            ProcessReport p = report.Process;
            output.WriteLine($"{p.Pid} ({RankTable.Sanitize(p.Comm)}) user {p.User ?? p.Uid.ToString(CultureInfo.InvariantCulture)}, exe {p.Exe ?? "(unreadable)"}");
            if (!string.IsNullOrEmpty(p.Cmdline))
            {
                output.WriteLine("  cmdline: " + RankTable.Sanitize(p.Cmdline));
            }

            foreach (string line in report.Breakdown)
            {
                output.WriteLine("  " + line);
            }

            output.WriteLine(report.Rank is int r
                ? $"  Pardon's order: {r} of {report.Candidates}" + (p.Pid == report.Victim ? " — Pardon's victim now" : "")
                : "  Pardon's order: not a candidate");
            if (p.Pid == report.KernelVictim)
            {
                output.WriteLine(report.Kernel is { Outcome: not "kill" } k
                    ? $"  the kernel's highest badness, but on an OOM it would not kill it: {k.Outcome.Replace('_', ' ')}"
                    : "  the kernel would kill this process now");
            }

            foreach (string note in report.Kernel?.Notes ?? [])
            {
                output.WriteLine("  note: " + note);
            }

            foreach (string reason in p.Reasons)
            {
                output.WriteLine("  - " + reason);
            }

            return Task.FromResult((int)ExitCode.Ok);
        });
        return command;
    }
}
