// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Stall;

namespace Pardon.Cli.Commands;

internal sealed partial class RankContext
{
    /// <summary>The configured stall criterion (for the report's stall line).</summary>
    public StallSettings Stall { get; init; } = StallSettings.Default;
}
