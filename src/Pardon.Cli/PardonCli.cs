// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using Pardon.Cli.Commands;
using Pardon.Daemon;
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
            DaemonCommand.Create(output, error),
            RankCommand.Create(output, error),
            ExplainCommand.Create(output, error),
            RequestCommand.Create(output, error),
            ReleaseCommand.Create(output, error),
            RunCommand.Create(output, error),
            ListCommand.Create(output, error),
            StatusCommand.Create(output, error),
            TopCommand.Create(output, error),
        };
        root.Subcommands.Add(CompletionsCommand.Create(root, output));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        RootCommand root = CreateRootCommand(output, error);

        // No response files: "@name" is an ordinary value here (a --reason, a command's argument), never
        // "read more arguments from the file name".
        ParseResult parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0 && !WantsHelp(args))
        {
            // Usage errors exit with 2 (the contract): one line, the most specific problem, pointing at --help.
            error.WriteLine(UsageErrors.Line(parse));
            return (int)ExitCode.Usage;
        }

        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        if (parse.CommandResult.Command.Name == RunCommand.Name)
        {
            // `pardon run` handles SIGTERM/SIGINT itself (passes them on, then exits with its command's status);
            // System.CommandLine's handler would instead exit 143/130 two seconds later, orphaning the command.
            config.ProcessTerminationTimeout = null;
        }

        try
        {
            return await parse.InvokeAsync(config, cancellationToken);
        }
        catch (Exception ex) when (Describe(ex) is (ExitCode code, string message))
        {
            // One line, whatever a path or name in it holds; a configuration's problems are already one per line.
            error.WriteLine("pardon: " + (ex is ConfigException ? message : Core.Printable.Escape(message)));
            return (int)code;
        }
    }

    private static bool WantsHelp(string[] args) => args.Any(a => a is "-h" or "--help" or "-?");

    /// <summary>The anticipated failures, each with its exit code; anything else is a bug and keeps its stack trace.</summary>
    private static (ExitCode, string)? Describe(Exception ex) => ex switch
    {
        UserFacingException u => (u.ExitCode, u.Message),
        ScopeException s => (ExitCode.Usage, s.Message),
        ConfigException c => (ExitCode.Usage, c.Message),
        LinuxException l => (ExitCode.Failure, l.Message),
        UnauthorizedAccessException or System.Net.Sockets.SocketException => (ExitCode.Failure, ErrorText.Describe(ex)),
        IOException io => (ExitCode.Failure, io is FileNotFoundException or DirectoryNotFoundException ? ErrorText.Describe(io) : io.Message),
        OperationCanceledException => (ExitCode.Failure, "interrupted"),
        _ => null,
    };
}
