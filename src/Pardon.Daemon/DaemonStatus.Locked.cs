// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon;

/// <summary>The daemon's locked memory, as it really is.</summary>
public sealed partial class DaemonStatus
{
    /// <summary>
    /// Memory resident and locked, in KiB (smaps_rollup "Locked:"), or null when unknown. Not VmLck: with
    /// mlockall(MCL_ONFAULT) that counts every reserved address range (hundreds of GiB), not memory.
    /// </summary>
    [JsonPropertyName("locked_kib")]
    public long? LockedKiB { get; init; }
}
