// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using Pardon.Core;
using Pardon.Core.Stall;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Service;

namespace Pardon.Cli.Commands;

/// <summary>`pardon daemon`: the main job — watch memory and act before the kernel's OOM killer does.</summary>
internal static class DaemonCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        Option<string?> config = CommonOptions.Config();
        var cgroup = new Option<string[]>("--cgroup")
        {
            Description = "Watch a memory cgroup (v1 or v2) as a scope of its own: a directory, or a glob (* and ? within one level, ** across levels) matching every such cgroup, also those created later. Repeatable. Replaces the configuration's scopes; the whole system is then watched only with --system.",
            HelpName = "PATTERN",
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.OneOrMore,
        };
        cgroup.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (string.IsNullOrWhiteSpace(token.Value) || token.Value.StartsWith('-'))
                {
                    // A bare --cgroup takes the next word, an option, as its pattern: say so rather than look for it.
                    result.AddError($"--cgroup: {(string.IsNullOrWhiteSpace(token.Value) ? "a pattern cannot be empty" : $"\"{token.Value}\" is an option, not a pattern")} (give a cgroup directory or a glob)");
                    return;
                }
            }
        });
        var system = new Option<bool>("--system")
        {
            Description = "Watch the whole system as well (with --cgroup); without --cgroup, the system alone.",
        };
        Option<string?> socket = CommonOptions.Socket();
        var state = new Option<string?>("--state")
        {
            Description = "Keep the pardons across daemon restarts in FILE (its directory must belong to root and be writable by nobody else). " +
                "Default: pardon.state of the configuration, or pardons.json beside the socket when the socket is elsewhere. One daemon at a time may use a state file.",
            HelpName = "FILE",
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Decide and log, but never signal any process.",
        };
        var events = new Option<string?>("--events")
        {
            Description = "Append every event as a JSON line to FILE (start, pressure, kill, victim_exited, pardon_*, warning, stop).",
            HelpName = "FILE",
        };
        Option<MemoryLevel?> termBelow = LevelOption("--term-below", "SIGTERM the chosen victim when available memory falls to LEVEL (\"10%\" of the scope's total, or a size such as \"512MiB\"). Overrides thresholds.term_below.");
        Option<MemoryLevel?> killBelow = LevelOption("--kill-below", "SIGKILL the chosen victim at LEVEL. Overrides thresholds.kill_below.");
        var stallAbove = new Option<string?>("--stall-above")
        {
            Description = "Act when the scope's memory stall (PSI) takes more than PCT of wall time over the stall window, sustained (\"40%\"), or \"off\". Overrides thresholds.stall_above.",
            HelpName = "PCT|off",
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (!StallSettings.TryParseAbove(text, out _, out string problem))
                {
                    result.AddError("--stall-above: " + problem);
                }

                return text;
            },
        };
        var stallFor = new Option<TimeSpan?>("--stall-for")
        {
            Description = "The stall window (\"10s\"; 2s to 60s). Overrides thresholds.stall_for.",
            HelpName = "DURATION",
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (!Sizes.TryParseDuration(text, out TimeSpan value, out string problem) || !StallSettings.TryCheckFor(value, out problem))
                {
                    result.AddError("--stall-for: " + problem);
                    return null;
                }

                return value;
            },
        };
        var metricsListen = new Option<string?>("--metrics-listen")
        {
            Description = "Serve Prometheus metrics at http://HOST:PORT/metrics (loopback unless a host is given). Overrides metrics.listen.",
            HelpName = "HOST:PORT",
        };
        var metricsTextfile = new Option<string?>("--metrics-textfile")
        {
            Description = "Write metrics for node_exporter's textfile collector to PATH. Overrides metrics.textfile.",
            HelpName = "PATH",
        };
        var printConfig = new Option<bool>("--print-config")
        {
            Description = "Print the effective configuration (embedded defaults, the file, then these options) and exit.",
        };
        var jsonLog = new Option<bool>("--json-log")
        {
            Description = "Log events to stderr as JSON lines rather than readable sentences.",
        };
        var command = new Command("daemon", "Watch memory (the system, memory cgroups, or both) and terminate the right process before the kernel's OOM killer has to.")
        {
            config, cgroup, system, dryRun, events, socket, state, termBelow, killBelow, stallAbove, stallFor, metricsListen, metricsTextfile, printConfig, jsonLog,
        };
        command.SetAction((parse, ct) =>
        {
            var options = new DaemonOptions
            {
                ConfigPath = parse.GetValue(config),
                Cgroups = parse.GetValue(cgroup) ?? [],
                System = parse.GetValue(system),
                DryRun = parse.GetValue(dryRun),
                EventsFile = parse.GetValue(events),
                Socket = parse.GetValue(socket),
                State = parse.GetValue(state),
                TermBelow = parse.GetValue(termBelow),
                KillBelow = parse.GetValue(killBelow),
                StallAbove = StallSettings.TryParseAbove(parse.GetValue(stallAbove) ?? "", out double? above, out _) ? above : null,
                StallOff = parse.GetValue(stallAbove) is string sa && sa.Trim().Equals("off", StringComparison.OrdinalIgnoreCase),
                StallFor = parse.GetValue(stallFor),
                MetricsListen = parse.GetValue(metricsListen),
                MetricsTextfile = parse.GetValue(metricsTextfile),
                JsonLog = parse.GetValue(jsonLog),
            };
            if (parse.GetValue(printConfig))
            {
                output.Write(ConfigWriter.Write(PardonDaemon.LoadConfig(options)));
                return Task.FromResult((int)ExitCode.Ok);
            }

            using var daemon = new PardonDaemon(options, error);
            return Task.FromResult(daemon.Run());
        });
        return command;
    }

    private static Option<MemoryLevel?> LevelOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "LEVEL",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (MemoryLevel.TryParse(text, out MemoryLevel level, out string problem))
            {
                return level;
            }

            result.AddError($"{name}: {problem}");
            return null;
        },
    };
}
