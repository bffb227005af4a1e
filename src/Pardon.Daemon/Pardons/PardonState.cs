// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Pardons;

/// <summary>The state file (pardon.state): the ledger, written atomically on every change, re-validated on start.</summary>
public sealed class PardonState
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("version")]
    public int Version { get; init; } = CurrentVersion;

    /// <summary>/proc/sys/kernel/random/boot_id when written: after a reboot every pid and start time means something else.</summary>
    [JsonPropertyName("boot_id")]
    public string BootId { get; init; } = "";

    [JsonPropertyName("saved")]
    public string Saved { get; init; } = "";

    [JsonPropertyName("pardons")]
    public List<PardonInfo> Pardons { get; init; } = [];
}
