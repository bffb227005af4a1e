// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pardon.Daemon.Pardons;

/// <summary>Source-generated JSON for the pardon protocol and state file: compact (one line per message), nulls left out, no reflection.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PardonRequestMessage))]
[JsonSerializable(typeof(PardonResponse))]
[JsonSerializable(typeof(PardonState))]
internal sealed partial class PardonProtocolJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context every reader and writer of the protocol uses: the default encoder's HTML-safe escaping
    /// (\u0022 for a quote, \u0027 for an apostrophe) only hurts people reading the lines; control characters
    /// are still escaped.
    /// </summary>
    public static PardonProtocolJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
