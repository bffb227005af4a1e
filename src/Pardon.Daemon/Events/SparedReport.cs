// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>A pardoned process passed over when a victim was chosen (kill events' `spared`).</summary>
public sealed class SparedReport
{
    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    [JsonPropertyName("comm")]
    public required string Comm { get; init; }

    [JsonPropertyName("rss_kib")]
    public long RssKiB { get; init; }

    /// <summary>The pardon's rule (the allow rule's executable, or "root").</summary>
    [JsonPropertyName("rule")]
    public string? Rule { get; init; }
}
