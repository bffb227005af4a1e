// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.Daemon.Pardons;

namespace Pardon.Cli.Commands;

/// <summary>The protocol's source-generated JSON, indented for people (`pardon list --json`, `pardon status --json`).</summary>
internal static class ProtocolJson
{
    public static PardonProtocolJsonContext Indented { get; } =
        new(new JsonSerializerOptions(PardonProtocolJsonContext.Wire.Options) { WriteIndented = true });
}
