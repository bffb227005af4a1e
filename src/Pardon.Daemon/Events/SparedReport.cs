// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>
/// A process a kill left alive on purpose (kill events' `spared`): a pardoned process of the scope Pardon
/// passed over (reason "pardoned", with its size and the pardon's rule), or a member of a kill unit (a
/// container, a process group) that was not signalled, with the reason.
/// </summary>
public sealed class SparedReport
{
    [JsonPropertyName("pid")]
    public required int Pid { get; init; }

    [JsonPropertyName("comm")]
    public required string Comm { get; init; }

    /// <summary>"pid 1 (init)", "oom_score_adj -1000", "Pardon itself", "pardoned", "protected by protect[0]".</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    /// <summary>Resident memory, for a pardoned process passed over.</summary>
    [JsonPropertyName("rss_kib")]
    public long? RssKiB { get; init; }

    /// <summary>The pardon's rule (the allow rule's executable, or "root"), for a pardoned process.</summary>
    [JsonPropertyName("rule")]
    public string? Rule { get; init; }
}
