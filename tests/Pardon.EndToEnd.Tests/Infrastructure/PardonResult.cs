// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>How a run of `pardon` ended and what it printed.</summary>
public sealed record PardonResult(int ExitCode, string Stdout, string Stderr, string Arguments)
{
    public override string ToString() => $"pardon {Arguments}: exit {ExitCode}\nstderr: {Stderr}\nstdout: {Stdout}";
}
