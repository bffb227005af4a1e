// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon;

public sealed partial class DaemonStatus
{
    /// <summary>The forecast and the kernel's settings (issue 10); null when they could not be read.</summary>
    [JsonPropertyName("prediction")]
    public DaemonPrediction? Prediction { get; init; }
}
