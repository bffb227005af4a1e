// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;
using Pardon.Daemon.Reports;

namespace Pardon.Daemon;

/// <summary>Source-generated JSON for every document Pardon prints or stores: no reflection, AOT-safe.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RankReport))]
[JsonSerializable(typeof(ExplainReport))]
internal sealed partial class PardonJsonContext : JsonSerializerContext
{
}
