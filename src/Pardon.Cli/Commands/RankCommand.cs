// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using System.Text.Json;
using Pardon.Core;
using Pardon.Daemon;
using Pardon.Daemon.Containers;
using Pardon.Daemon.Reports;
using Pardon.Linux;
using Pardon.Linux.Io;

namespace Pardon.Cli.Commands;

/// <summary>`pardon rank`: who dies next — the kernel's choice, reproduced exactly, and Pardon's, with reasons.</summary>
internal static class RankCommand
{
    private static readonly TimeSpan s_maximumInterval = TimeSpan.FromSeconds(60);

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
        Option<TimeSpan> interval = ForecastInterval();
        var command = new Command("rank", "Show who dies next: the kernel's victim (its own badness, reproduced exactly), Pardon's victim, and why.")
        {
            cgroup, json, all, config, socket, interval,
        };
        command.SetAction(async (parse, ct) =>
        {
            using RankContext context = RankContext.Create(parse.GetValue(cgroup), parse.GetValue(config), parse.GetValue(socket));
            TimeSpan pause = parse.GetValue(interval);
            var sampler = new ForecastSampler((long)pause.TotalMilliseconds * 4 + 1000);
            if (pause > TimeSpan.Zero)
            {
                // The first of two readings: the forecast's rates are the differences. Memory is read at the
                // instant stamped, before the scan (whose length varies: the first one reads every process in full).
                long first = Clock.BootTimeMs();
                MemorySample? m0 = context.Monitor.Scope.Memory.TryRead(first, out MemorySample s0) ? s0 : null;
                Ranking early = context.ScanAndRank(first, context.Pardons);
                sampler.Record(early, m0, first);
                await Task.Delay(pause, ct).ConfigureAwait(false);
            }

            long now = Clock.BootTimeMs();
            MemorySample? memory = context.Monitor.Scope.Memory.TryRead(now, out MemorySample m) ? m : null;
            Ranking ranking = context.ScanAndRank(now, context.Pardons);
            sampler.Record(ranking, memory, now);
            KernelOomSettings settings = KernelOomSettingsReader.Read(ranking.Scope);
            RankReport report = RankReportBuilder.Build(ranking, memory, parse.GetValue(all), context.Users.NameOf, settings)
                .WithKernelKillSet(ranking, ScopeHierarchy.Of(context.Monitor.Scope));
            report.Pressure = memory is MemorySample read ? RankReport.Describe(context.Thresholds.Resolve(in read, out _).Evaluate(in read, out _)) : null;
            report.Daemon = new DaemonReport { Pid = context.DaemonPid, PardonsIncluded = context.Pardons is not null, Note = context.DaemonNote };
            report.Forecast = sampler.Forecast(ranking, memory, memory is MemorySample s ? context.Thresholds.Resolve(in s, out _) : null,
                KernelOomAssessment.Assess(settings, ranking).Outcome, context.DaemonPid is not null);
            report.Stall = StallReport.Read(context.Stall, context.Monitor.Scope.Cgroup);
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(report, PardonJsonContext.Default.RankReport));
            }
            else
            {
                RankTable.Write(output, report, context.DaemonNote);
            }

            return (int)ExitCode.Ok;
        });
        return command;
    }

    /// <summary>--forecast-interval: the pause between the two readings a forecast needs; 0 for none.</summary>
    internal static Option<TimeSpan> ForecastInterval() => new("--forecast-interval")
    {
        Description = "Take two readings this far apart (\"500ms\", \"2s\") and forecast, from the rates seen, when the levels and the kernel's OOM are reached and who dies then. \"0\": one reading, no forecast.",
        HelpName = "DURATION",
        DefaultValueFactory = _ => TimeSpan.FromMilliseconds(500),
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (text == "0")
            {
                return TimeSpan.Zero;
            }

            if (!Sizes.TryParseDuration(text, out TimeSpan value, out string problem))
            {
                result.AddError("--forecast-interval: " + problem);
            }
            else if (value > s_maximumInterval)
            {
                result.AddError($"--forecast-interval: at most {Sizes.FormatDuration(s_maximumInterval)}");
            }

            return value;
        },
    };
}
