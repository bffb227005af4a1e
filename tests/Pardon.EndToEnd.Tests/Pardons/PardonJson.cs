// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text.Json;

namespace Pardon.EndToEnd.Tests.Pardons;

/// <summary>Reads what the pardon tests look at in `pardon rank --json`, `pardon list --json` and the machine.</summary>
internal static class PardonJson
{
    /// <summary>The reason `pardon rank` gives a pardoned process begins so (Explanation.DescribePardon).</summary>
    public const string PardonedReason = "pardoned (pardon.allow[0], asked by uid 65534";

    /// <summary>
    /// Whether the daemons the tests start can set oom_score_adj -1000 (pardon.kernel_protect): they run as
    /// root children of the test process and keep its effective capabilities, so CAP_SYS_RESOURCE (bit 24 of
    /// CapEff) decides. False on the project's machines; a CI runner that has it expects true.
    /// </summary>
    public static bool KernelProtectExpected { get; } = ReadKernelProtect();

    /// <summary>The entry of `processes` with <paramref name="pid"/>; fails naming the rank output when there is none.</summary>
    public static JsonElement Process(JsonElement rank, int pid)
    {
        foreach (JsonElement p in rank.GetProperty("processes").EnumerateArray())
        {
            if (p.GetProperty("pid").GetInt32() == pid)
            {
                return p;
            }
        }

        Assert.Fail($"pardon rank --json does not list {pid}: {rank}");
        return default;
    }

    /// <summary>`victim` (or `kernel_victim`) of a rank report, or null.</summary>
    public static int? Victim(JsonElement rank, string field = "victim") =>
        rank.TryGetProperty(field, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    /// <summary>The `reasons` strings of a rank entry.</summary>
    public static List<string> Reasons(JsonElement process) =>
        [.. process.GetProperty("reasons").EnumerateArray().Select(r => r.GetString() ?? "")];

    /// <summary>The pardons of a `list` answer (`pardons`; the daemon leaves an empty list out, or sends []).</summary>
    public static List<JsonElement> Pardons(JsonElement list) =>
        list.TryGetProperty("pardons", out JsonElement p) && p.ValueKind == JsonValueKind.Array ? [.. p.EnumerateArray()] : [];

    /// <summary>The pardon of <paramref name="pid"/> in a `list` answer, or null.</summary>
    public static JsonElement? Pardon(JsonElement list, int pid)
    {
        foreach (JsonElement p in Pardons(list))
        {
            if (p.GetProperty("pid").GetInt32() == pid)
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>A boolean field that must be present (true or false).</summary>
    public static bool Bool(JsonElement e, string field) =>
        e.TryGetProperty(field, out JsonElement v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean()
            : throw new InvalidDataException($"no boolean \"{field}\" in {e}");

    /// <summary>The pid memhog printed first ("started PID").</summary>
    public static int StartedPid(string line) =>
        int.Parse(line.AsSpan("started ".Length), CultureInfo.InvariantCulture);

    private static bool ReadKernelProtect()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
            {
                ulong caps = ulong.Parse(line.AsSpan("CapEff:".Length).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                const int CapSysResource = 24;
                return (caps & (1UL << CapSysResource)) != 0;
            }
        }

        return false;
    }
}
