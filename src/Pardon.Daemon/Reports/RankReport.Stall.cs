// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Reports;

public sealed partial class RankReport
{
    /// <summary>The scope's memory stall (PSI): the kernel's averages and the criterion; null when not read.</summary>
    [JsonPropertyName("stall")]
    public StallReport? Stall { get; set; }
}
