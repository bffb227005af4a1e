// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using System.Text.RegularExpressions;

namespace Pardon.Cli.Completions;

/// <summary>
/// The part of the command tree that shell completions need, read from System.CommandLine's own definition
/// of `pardon` so the completion scripts cannot drift from the commands and flags the program accepts.
/// Hidden commands and options are left out.
/// </summary>
internal sealed partial record CompletionCommand(
    string Name,
    string Summary,
    IReadOnlyList<CompletionOption> Options,
    IReadOnlyList<CompletionArgument> Arguments,
    IReadOnlyList<CompletionCommand> Subcommands)
{
    public static CompletionCommand From(Command command) => From(command, []);

    /// <summary>Every option's spellings that take a value (a shell skips them when it looks for positionals).</summary>
    public IEnumerable<string> NamesTakingValues => Options.Where(o => o.Value != ValueKind.None).SelectMany(o => o.Names);

    private static CompletionCommand From(Command command, IReadOnlyList<Option> inherited)
    {
        // Recursive options of an ancestor (help) apply here too; the version option does not (it is root-only).
        List<Option> options = [.. command.Options.Where(o => !o.Hidden), .. inherited.Where(o => !command.Options.Contains(o))];
        IReadOnlyList<Option> passDown = [.. options.Where(o => o.Recursive)];
        return new CompletionCommand(
            command.Name,
            Summarize(command.Description),
            [.. options.Select(ToOption).Where(o => o.Names.Count > 0)],
            [.. command.Arguments.Where(a => !a.Hidden).Select(a => new CompletionArgument(a.Name, KindOf(a.HelpName ?? a.Name)))],
            [.. command.Subcommands.Where(c => !c.Hidden).Select(c => From(c, passDown))]);
    }

    private static CompletionOption ToOption(Option option)
    {
        // Only spellings a shell can offer as they are (`-?` is a glob character).
        string[] names = [.. new[] { option.Name }.Concat(option.Aliases).Distinct().Where(n => ShellSafeName().IsMatch(n)).Order(StringComparer.Ordinal)];
        // A bool option is a flag (its value, when given, is optional and never needs completing).
        ValueKind value = option.Arity.MaximumNumberOfValues == 0 || option.ValueType == typeof(bool) ? ValueKind.None : KindOf(option.HelpName);
        return new CompletionOption(names, Summarize(option.Description), value);
    }

    /// <summary>The help name says what a value is (FILE, DIR or PATTERN, PID, COMMAND); anything else is free text.</summary>
    private static ValueKind KindOf(string? helpName) => helpName switch
    {
        "FILE" or "PATH" => ValueKind.File,
        "DIR" or "PATTERN" => ValueKind.Directory, // a cgroup pattern is a directory, maybe with wildcards
        "PID" => ValueKind.Pid,
        "COMMAND" => ValueKind.Command,
        _ => ValueKind.Text,
    };

    /// <summary>The description's first sentence, without its full stop: shells show one short line.</summary>
    private static string Summarize(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return "";
        }

        string text = description.Trim();
        int end = text.IndexOf(". ", StringComparison.Ordinal);
        text = end >= 0 ? text[..end] : text;
        return text.TrimEnd('.');
    }

    [GeneratedRegex("^--?[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex ShellSafeName();
}
