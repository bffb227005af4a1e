// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Pardon.Daemon.Configuration;

namespace Pardon.Cli.Commands;

/// <summary>Options shared by several subcommands. Each call makes a new instance: an option belongs to one command.</summary>
internal static class CommonOptions
{
    public static Option<string?> Cgroup() => new("--cgroup")
    {
        Description = "Scope to one memory cgroup directory (v1 or v2) and its descendants; totals come from its limit, as for the kernel's memcg OOM killer.",
        HelpName = "DIR",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print JSON (the format documented in docs/) instead of a table.",
    };

    public static Option<string?> Config() => new("--config")
    {
        Description = "Configuration file (JSON with comments). Default: /etc/pardon/pardon.jsonc if it exists, else the embedded defaults.",
        HelpName = "FILE",
    };

    public static Option<string?> Socket() => new("--socket")
    {
        Description = "The daemon's socket. Default: pardon.socket from the configuration (/run/pardon/pardon.sock).",
        HelpName = "PATH",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (SocketPath.Check(text) is string problem)
            {
                result.AddError("--socket: " + problem);
            }

            return text;
        },
    };

    /// <summary>PID_MAX_LIMIT on 64-bit kernels (include/linux/threads.h): no process id is larger.</summary>
    public const int PidMax = 4 * 1024 * 1024;

    /// <summary>A process id option: a whole number from 1 to <see cref="PidMax"/>, else a usage error in words.</summary>
    public static Option<int?> Pid(string description) => new("--pid")
    {
        Description = description,
        HelpName = "PID",
        CustomParser = result => ParsePid(result, "--pid"),
    };

    /// <summary>A process id argument, checked as <see cref="Pid"/> is.</summary>
    public static Argument<int> PidArgument(string command, string description) => new("PID")
    {
        Description = description,
        CustomParser = result => ParsePid(result, command) ?? 0,
    };

    private static int? ParsePid(SymbolResult result, string name)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int pid) && pid is > 0 and <= PidMax)
        {
            return pid;
        }

        result.AddError($"{name}: \"{Printable(text)}\" is not a process id (a whole number from 1 to {PidMax})");
        return null;
    }

    /// <summary>A value echoed in an error, shortened and with control characters made visible.</summary>
    public static string Printable(string text) => RankTable.Sanitize(text.Length > 64 ? text[..64] + "…" : text);
}
