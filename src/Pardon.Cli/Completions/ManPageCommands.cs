// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using System.Text;

namespace Pardon.Cli.Completions;

/// <summary>
/// The COMMANDS section of pardon(8) in scdoc, written from the command tree itself (full descriptions, every
/// option and argument), so the manual cannot drift from the program. scripts/package-deb puts it in place of
/// the `@COMMANDS@` line of packaging/man/pardon.8.scd.
/// </summary>
internal static class ManPageCommands
{
    public static string Write(RootCommand root)
    {
        var s = new StringBuilder();
        foreach (Command command in root.Subcommands.Where(c => !c.Hidden))
        {
            s.Append("## pardon ").Append(command.Name).Append("\n\n");
            s.Append("*pardon ").Append(command.Name).Append('*');
            foreach (Argument argument in command.Arguments.Where(a => !a.Hidden))
            {
                s.Append(" _").Append(Escape(argument.Name)).Append('_').Append(argument.Arity.MaximumNumberOfValues > 1 ? "..." : "");
            }

            s.Append(command.Options.Any(o => !o.Hidden) ? " [_options_]" : "").Append("\n\n");
            s.Append(Escape(command.Description ?? "")).Append("\n\n");
            foreach (Argument argument in command.Arguments.Where(a => !a.Hidden))
            {
                s.Append('_').Append(Escape(argument.Name)).Append("_\n\t").Append(Escape(argument.Description ?? "")).Append("\n\n");
            }

            foreach (Option option in command.Options.Where(o => !o.Hidden))
            {
                IEnumerable<string> names = new[] { option.Name }.Concat(option.Aliases).Distinct().Where(n => n != "-?")
                    .OrderBy(n => n.Length).Select(n => "*" + Escape(n) + "*");
                s.Append(string.Join(", ", names));
                if (option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool))
                {
                    s.Append(" _").Append(Escape(option.HelpName ?? "VALUE")).Append('_');
                }

                s.Append("\n\t").Append(Escape(option.Description ?? "")).Append("\n\n");
            }
        }

        return s.ToString();
    }

    /// <summary>Text as scdoc reads it: its markup characters are escaped; roff's are scdoc's business.</summary>
    private static string Escape(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("*", "\\*", StringComparison.Ordinal)
        .Replace("_", "\\_", StringComparison.Ordinal)
        .Replace("\n", " ", StringComparison.Ordinal);
}
