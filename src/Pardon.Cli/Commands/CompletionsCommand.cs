// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using Pardon.Cli.Completions;
using Pardon.Daemon;

namespace Pardon.Cli.Commands;

/// <summary>
/// `pardon completions bash|zsh|fish|man` (hidden): prints a completion script, or the COMMANDS section of
/// pardon(8) in scdoc, generated from this very command tree. scripts/package-deb ships their output, so the
/// completions and the manual always match the binary beside them.
/// </summary>
internal static class CompletionsCommand
{
    public const string Name = "completions";

    public static Command Create(RootCommand root, TextWriter output)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh, fish, or man (pardon(8)'s COMMANDS section, scdoc)." };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish", "man");
        var command = new Command(Name, "Print a completion script for bash, zsh or fish, or the manual's COMMANDS section.") { shell };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            CompletionCommand tree = CompletionCommand.From(root);
            output.Write(parse.GetValue(shell) switch
            {
                "zsh" => ZshCompletion.Write(tree, BuildInfo.Version),
                "fish" => FishCompletion.Write(tree, BuildInfo.Version),
                "man" => ManPageCommands.Write(root),
                _ => BashCompletion.Write(tree, BuildInfo.Version),
            });
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
