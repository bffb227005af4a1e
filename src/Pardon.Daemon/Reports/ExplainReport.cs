// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Reports;

/// <summary>`pardon explain PID --json`: one process with its rank and the full arithmetic.</summary>
public sealed class ExplainReport
{
    [JsonPropertyName("scope")]
    public required ScopeReport Scope { get; init; }

    [JsonPropertyName("process")]
    public required ProcessReport Process { get; init; }

    /// <summary>1-based place in Pardon's order among eligible candidates, or null when it is not one.</summary>
    [JsonPropertyName("rank")]
    public int? Rank { get; init; }

    [JsonPropertyName("candidates")]
    public int Candidates { get; init; }

    [JsonPropertyName("kernel_victim")]
    public int? KernelVictim { get; init; }

    /// <summary>Others that may be the kernel's victim instead (see rank's kernel_victim_ties).</summary>
    [JsonPropertyName("kernel_victim_ties")]
    public List<int> KernelVictimTies { get; init; } = [];

    /// <summary>What the kernel would do on an OOM here, and the settings behind it.</summary>
    [JsonPropertyName("kernel")]
    public KernelReport? Kernel { get; init; }

    [JsonPropertyName("victim")]
    public int? Victim { get; init; }

    [JsonPropertyName("breakdown")]
    public required List<string> Breakdown { get; init; }
}
