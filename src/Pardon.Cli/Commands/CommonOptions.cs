// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;

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
    };
}
