// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>Compact, one-line JSON for events; nulls left out.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DaemonEvent))]
internal sealed partial class EventJsonContext : JsonSerializerContext
{
}
