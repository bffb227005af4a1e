// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Pardon.Cli;

/// <summary>
/// A parse failure as the one line `pardon` prints: the most specific of the parser's errors, in Pardon's
/// words rather than System.CommandLine's (which speak of "arguments" and .NET type names), with the
/// command whose --help to read.
/// </summary>
internal static partial class UsageErrors
{
    public static string Line(ParseResult parse)
    {
        IReadOnlyList<ParseError> errors = parse.Errors;

        // "Required command was not provided" comes with the more useful "Unrecognized command 'x'" when a verb is mistyped.
        ParseError chosen = errors.FirstOrDefault(e => !MissingCommand().IsMatch(e.Message)) ?? errors[0];
        string command = parse.CommandResult.Command is RootCommand ? "pardon" : "pardon " + parse.CommandResult.Command.Name;
        return $"pardon: {Plain(chosen.Message, parse.RootCommandResult.Command)} (try '{command} --help')";
    }

    /// <summary>System.CommandLine's message (its English resources) in plain words; Pardon's own messages pass unchanged.</summary>
    internal static string Plain(string message, Command root)
    {
        Match m;
        if (MissingCommand().IsMatch(message))
        {
            return "no command given; the commands are " + string.Join(", ", root.Subcommands.Select(c => c.Name));
        }

        if ((m = Unrecognized().Match(message)).Success)
        {
            return $"unknown command, option or argument '{Printable(m.Groups[1].Value)}'";
        }

        if ((m = OptionValueMissing().Match(message)).Success)
        {
            return $"{m.Groups[1].Value} needs a value";
        }

        if ((m = CommandArgumentMissing().Match(message)).Success)
        {
            return $"{m.Groups[1].Value}: an argument is missing";
        }

        if ((m = SingleValue().Match(message)).Success)
        {
            return $"{m.Groups[1].Value} takes one value; it was given {m.Groups[2].Value}";
        }

        if ((m = CannotParse().Match(message)).Success)
        {
            return $"{m.Groups[2].Value}: '{Printable(m.Groups[1].Value)}' is not a valid value";
        }

        return message.TrimEnd('.');
    }

    private static string Printable(string text) => Commands.CommonOptions.Printable(text);

    [GeneratedRegex(@"^Required command was not provided\.?$")]
    private static partial Regex MissingCommand();

    [GeneratedRegex(@"^Unrecognized command or argument '(.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex Unrecognized();

    [GeneratedRegex(@"^Required argument missing for option: '(.*)'\.?$")]
    private static partial Regex OptionValueMissing();

    [GeneratedRegex(@"^Required argument missing for command: '(.*)'\.?$")]
    private static partial Regex CommandArgumentMissing();

    [GeneratedRegex(@"^Option '(.*)' expects a single argument but (\d+) were provided\.?$")]
    private static partial Regex SingleValue();

    [GeneratedRegex(@"^Cannot parse argument '(.*)' for (?:option|command) '(.*)' as expected type", RegexOptions.Singleline)]
    private static partial Regex CannotParse();
}
