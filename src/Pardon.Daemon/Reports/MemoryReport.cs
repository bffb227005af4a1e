// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Reports;

public sealed class MemoryReport
{
    [JsonPropertyName("total_kib")]
    public long TotalKiB { get; init; }

    [JsonPropertyName("available_kib")]
    public long AvailableKiB { get; init; }

    [JsonPropertyName("swap_total_kib")]
    public long SwapTotalKiB { get; init; }

    [JsonPropertyName("swap_free_kib")]
    public long SwapFreeKiB { get; init; }
}
