// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Pardons;

/// <summary>
/// The one line the daemon answers each request with: {"ok":true, ...} or {"ok":false, "code", "error"}.
/// Fields that do not apply are left out.
/// </summary>
public sealed class PardonResponse
{
    [JsonPropertyName("ok")]
    public bool Ok { get; init; }

    /// <summary>On failure, a stable code (Pardon.Core.Pardons.PardonCodes).</summary>
    [JsonPropertyName("code")]
    public string? Code { get; init; }

    /// <summary>On failure, why — and, for a denial, what would allow it.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>request: the pardon granted; release: the pardon ended.</summary>
    [JsonPropertyName("pardon")]
    public PardonInfo? Pardon { get; init; }

    /// <summary>request: true when the process already held a pardon, now replaced.</summary>
    [JsonPropertyName("renewed")]
    public bool? Renewed { get; init; }

    /// <summary>list: every pardon in force, by pid.</summary>
    [JsonPropertyName("pardons")]
    public List<PardonInfo>? Pardons { get; init; }

    /// <summary>list, status, request: whether pardons also bind the kernel (oom_score_adj -1000 needs CAP_SYS_RESOURCE).</summary>
    [JsonPropertyName("kernel_protect")]
    public bool? KernelProtect { get; init; }

    /// <summary>list, status: the daemon's pid (which `pardon rank` must not count as a candidate).</summary>
    [JsonPropertyName("daemon_pid")]
    public int? DaemonPid { get; init; }

    /// <summary>status: the daemon's status.</summary>
    [JsonPropertyName("status")]
    public DaemonStatus? Status { get; init; }

    public static PardonResponse Failure(string code, string error) => new() { Ok = false, Code = code, Error = error };
}
