// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;
using Pardon.Core;
using Pardon.Daemon.Events;

namespace Pardon.Daemon.Pardons;

/// <summary>One pardon on the wire (responses, `pardon list --json`) and in the state file.</summary>
public sealed class PardonInfo
{
    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    /// <summary>Field 22 of /proc/PID/stat: with the pid, names the process for life.</summary>
    [JsonPropertyName("start_time")]
    public ulong StartTime { get; init; }

    [JsonPropertyName("comm")]
    public string Comm { get; init; } = "";

    [JsonPropertyName("exe")]
    public string? Exe { get; init; }

    /// <summary>The executable's device (major in the high 32 bits, minor in the low) as verified at the grant.</summary>
    [JsonPropertyName("exe_dev")]
    public ulong ExeDevice { get; init; }

    [JsonPropertyName("exe_ino")]
    public ulong ExeInode { get; init; }

    /// <summary>The owner (real uid) of the pardoned process.</summary>
    [JsonPropertyName("uid")]
    public uint Uid { get; init; }

    [JsonPropertyName("requester_uid")]
    public uint RequesterUid { get; init; }

    [JsonPropertyName("requester_pid")]
    public int RequesterPid { get; init; }

    [JsonPropertyName("reason")]
    public string Reason { get; init; } = "";

    /// <summary>"root" or "pardon.allow[i]".</summary>
    [JsonPropertyName("rule")]
    public string Rule { get; init; } = "";

    /// <summary>The ceiling on the memory the process holds (docs/protocol.md, "Ceilings"), in KiB; 0 for none.</summary>
    [JsonPropertyName("max_rss_kib")]
    public long MaxRssKiB { get; init; }

    /// <summary>RSS + swap at the pardon worker's last look (or at the grant), in KiB; null when not known.</summary>
    [JsonPropertyName("rss_kib")]
    public long? RssKiB { get; init; }

    /// <summary>The memory the process holds, as the ceiling counts it, at the worker's last look, in KiB; null when not known.</summary>
    [JsonPropertyName("held_kib")]
    public long? HeldKiB { get; init; }

    /// <summary>The part of <see cref="HeldKiB"/> outside RSS + swap (shared-memory files it holds or maps, its own cgroup's excess), in KiB.</summary>
    [JsonPropertyName("outside_rss_kib")]
    public long? OutsideRssKiB { get; init; }

    /// <summary>RFC 3339.</summary>
    [JsonPropertyName("granted")]
    public string Granted { get; init; } = "";

    [JsonPropertyName("granted_unix_ms")]
    public long GrantedUnixMs { get; init; }

    /// <summary>RFC 3339, or null for no expiry.</summary>
    [JsonPropertyName("expires")]
    public string? Expires { get; init; }

    [JsonPropertyName("expires_unix_ms")]
    public long? ExpiresUnixMs { get; init; }

    /// <summary>True when the daemon set oom_score_adj to -1000, so the kernel's OOM killer spares the process too.</summary>
    [JsonPropertyName("kernel_protected")]
    public bool KernelProtected { get; init; }

    /// <summary>The oom_score_adj to restore when the pardon ends; null when the daemon changed nothing.</summary>
    [JsonPropertyName("previous_oom_score_adj")]
    public short? PreviousOomScoreAdj { get; init; }

    public static PardonInfo From(PardonGrant g) => new()
    {
        Pid = g.Pid,
        StartTime = g.StartTime,
        Comm = g.Comm,
        Exe = g.Exe,
        ExeDevice = g.ExeIdentity.Device,
        ExeInode = g.ExeIdentity.Inode,
        Uid = g.OwnerUid,
        RequesterUid = g.RequestedByUid,
        RequesterPid = g.RequestedByPid,
        Reason = g.Reason,
        Rule = g.Rule,
        MaxRssKiB = g.MaxRssKiB,
        RssKiB = g.HeldKiB >= 0 ? Math.Max(0, g.HeldKiB - g.OutsideRssKiB) : null,
        HeldKiB = g.HeldKiB >= 0 ? g.HeldKiB : null,
        OutsideRssKiB = g.HeldKiB >= 0 ? g.OutsideRssKiB : null,
        Granted = EventLog.FormatTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(g.GrantedAtUnixMs)),
        GrantedUnixMs = g.GrantedAtUnixMs,
        Expires = g.ExpiresAtUnixMs is long e ? EventLog.FormatTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(e)) : null,
        ExpiresUnixMs = g.ExpiresAtUnixMs,
        KernelProtected = g.KernelProtected,
        PreviousOomScoreAdj = g.PreviousOomScoreAdj,
    };

    public PardonGrant ToGrant() => new()
    {
        Pid = Pid,
        StartTime = StartTime,
        Comm = Comm,
        Exe = Exe,
        ExeIdentity = new FileIdentity(ExeDevice, ExeInode),
        OwnerUid = Uid,
        RequestedByUid = RequesterUid,
        RequestedByPid = RequesterPid,
        Reason = Reason,
        Rule = Rule,
        MaxRssKiB = MaxRssKiB,
        GrantedAtUnixMs = GrantedUnixMs,
        ExpiresAtUnixMs = ExpiresUnixMs,
        KernelProtected = KernelProtected,
        PreviousOomScoreAdj = PreviousOomScoreAdj,
        HeldKiB = HeldKiB ?? -1,
        OutsideRssKiB = OutsideRssKiB ?? 0,
    };
}
