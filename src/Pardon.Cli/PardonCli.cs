// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using Pardon.Cli.Commands;
using Pardon.Daemon.Configuration;
using Pardon.Linux.Cgroups;
using Pardon.Linux.Io;

namespace Pardon.Cli;

/// <summary>The `pardon` command line: one root command, one subcommand per verb of the interface contract.</summary>
public static class PardonCli
{
    public static RootCommand CreateRootCommand(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "Pardon: a userspace OOM killer. It acts before the kernel's OOM killer, picks its victim with context, " +
            "explains every choice, predicts exactly what the kernel would do, and lets critical processes ask for a pardon.")
        {
            RankCommand.Create(output, error),
            ExplainCommand.Create(output, error),
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        RootCommand root = CreateRootCommand(output, error);
        ParseResult parse = root.Parse(args);
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(config, cancellationToken);
        }
        catch (Exception ex) when (Describe(ex) is (ExitCode code, string message))
        {
            error.WriteLine("pardon: " + message);
            return (int)code;
        }
    }

    /// <summary>The anticipated failures, each with its exit code; anything else is a bug and keeps its stack trace.</summary>
    private static (ExitCode, string)? Describe(Exception ex) => ex switch
    {
        UserFacingException u => (u.ExitCode, u.Message),
        ScopeException s => (ExitCode.Usage, s.Message),
        ConfigException c => (ExitCode.Usage, c.Message),
        LinuxException l => (ExitCode.Failure, l.Message),
        UnauthorizedAccessException a => (ExitCode.Failure, a.Message),
        IOException io => (ExitCode.Failure, io.Message),
        OperationCanceledException => (ExitCode.Failure, "interrupted"),
        _ => null,
    };
}
