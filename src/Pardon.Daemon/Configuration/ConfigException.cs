// This file is part of Pardon, a userspace OOM killer for Linux.

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
        : base(message)
    {
        Problems = [message];
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public IReadOnlyList<string> Problems { get; }

    private static string Format(string source, IReadOnlyList<string> problems)
        => problems.Count == 1
            ? $"{source}: {problems[0]}"
            : $"{source}: {problems.Count} problems:\n  " + string.Join("\n  ", problems);
}
