// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Cli.Tests;

/// <summary>What one in-process run of the `pardon` command line returned and printed.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr, string[] Args)
{
    public override string ToString() => $"pardon {string.Join(' ', Args)}: exit {ExitCode}\nstderr: {Stderr}\nstdout: {Stdout}";
}
