// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Daemon.Configuration;

/// <summary>An invalid configuration: every problem found, each naming its field.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string source, IReadOnlyList<string> problems)
        : base(Format(source, problems))
    {
        Problems = problems;
    }

    public ConfigException()
    {
        Problems = [];
    }

    public ConfigException(string message)
        : base(Printable.Escape(message))
    {
        Problems = [message];
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public IReadOnlyList<string> Problems { get; }

    /// <summary>One line per problem, whatever the file held: a key or path with a newline in it is escaped.</summary>
    private static string Format(string source, IReadOnlyList<string> problems)
        => problems.Count == 1
            ? $"{Printable.Escape(source)}: {Printable.Escape(problems[0])}"
            : $"{Printable.Escape(source)}: {problems.Count} problems:\n  " + string.Join("\n  ", problems.Select(Printable.Escape));
}
