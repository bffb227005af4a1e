// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using Pardon.Cli.Completions;
using Pardon.Daemon;

namespace Pardon.Cli.Commands;

/// <summary>
/// `pardon completions bash|zsh|fish` (hidden): prints a completion script generated from this very command
/// tree. The .deb ships its output (scripts/package-deb), so completions always match the binary beside them.
/// </summary>
internal static class CompletionsCommand
{
    public const string Name = "completions";

    public static Command Create(RootCommand root, TextWriter output)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or fish." };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var command = new Command(Name, "Print a completion script for bash, zsh or fish.") { shell };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            CompletionCommand tree = CompletionCommand.From(root);
            output.Write(parse.GetValue(shell) switch
            {
                "zsh" => ZshCompletion.Write(tree, BuildInfo.Version),
                "fish" => FishCompletion.Write(tree, BuildInfo.Version),
                _ => BashCompletion.Write(tree, BuildInfo.Version),
            });
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
