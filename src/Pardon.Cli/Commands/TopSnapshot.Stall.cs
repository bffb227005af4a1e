// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Cli.Commands;

internal sealed partial class TopSnapshot
{
    /// <summary>The scope's memory stall against the criterion, as one line; null when it is not measured.</summary>
    public string? Stall { get; init; }
}
