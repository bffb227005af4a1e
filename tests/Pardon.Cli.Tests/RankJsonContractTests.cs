// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;

namespace Pardon.Cli.Tests;

/// <summary>`pardon rank --json` carries every field of the interface contract (DESIGN.md), with its type.</summary>
public sealed class RankJsonContractTests
{
    private static readonly string[] s_processFields =
    [
        "pid", "ppid", "comm", "exe", "uid", "rss_kib", "swap_kib", "pgtables_kib", "oom_score_adj",
        "kernel_badness", "oom_score", "eligible", "pardoned", "score", "reasons",
    ];

    [Fact]
    public async Task RankJson_HasEveryContractField_WithItsType()
    {
        CliResult r = await Cli.RunAsync("rank", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        using JsonDocument json = JsonDocument.Parse(r.Stdout);
        JsonElement root = json.RootElement;

        JsonElement scope = root.GetProperty("scope");
        Assert.Equal("system", scope.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, scope.GetProperty("path").ValueKind);
        Assert.True(scope.GetProperty("total_pages").GetInt64() > 0);
        Assert.Equal(Environment.SystemPageSize, scope.GetProperty("page_size").GetInt64());

        JsonElement[] processes = [.. root.GetProperty("processes").EnumerateArray()];
        Assert.NotEmpty(processes);
        var pids = processes.Select(p => p.GetProperty("pid").GetInt32()).ToHashSet();
        Assert.Equal(processes.Length, pids.Count);
        AssertVictim(root, "kernel_victim", pids);
        AssertVictim(root, "victim", pids);

        foreach (JsonElement p in processes)
        {
            AssertProcess(p);

            // Without --all only processes the kernel may kill are listed, so each has a badness.
            Assert.Equal(JsonValueKind.Number, p.GetProperty("kernel_badness").ValueKind);
            Assert.Equal(JsonValueKind.Number, p.GetProperty("score").ValueKind);
        }

        // The ranking runs inside this test process: Pardon never picks itself, and lists itself as such.
        JsonElement self = processes.Single(p => p.GetProperty("pid").GetInt32() == Environment.ProcessId);
        Assert.False(self.GetProperty("eligible").GetBoolean());
    }

    [KernelThreadsVisibleFact]
    public async Task RankJsonAll_ListsKernelThreads_WithNullBadnessAndZeroScore()
    {
        CliResult r = await Cli.RunAsync("rank", "--json", "--all");

        Assert.True(r.ExitCode == 0, r.ToString());
        using JsonDocument json = JsonDocument.Parse(r.Stdout);
        JsonElement[] processes = [.. json.RootElement.GetProperty("processes").EnumerateArray()];
        foreach (JsonElement p in processes)
        {
            AssertProcess(p);
        }

        JsonElement kthreadd = processes.Single(p => p.GetProperty("pid").GetInt32() == 2);
        Assert.False(kthreadd.GetProperty("eligible").GetBoolean());
        Assert.Equal(JsonValueKind.Null, kthreadd.GetProperty("kernel_badness").ValueKind);
        Assert.Equal(JsonValueKind.Null, kthreadd.GetProperty("score").ValueKind);
        Assert.Equal(0, kthreadd.GetProperty("oom_score").GetInt64());
        Assert.Contains(kthreadd.GetProperty("reasons").EnumerateArray(), x => x.GetString()!.Contains("kernel thread", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rank_Table_NamesBothVictims()
    {
        CliResult r = await Cli.RunAsync("rank");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("kernel would kill:", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Pardon would kill:", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("OOM_SCORE", r.Stdout, StringComparison.Ordinal);
    }

    private static void AssertVictim(JsonElement root, string field, HashSet<int> pids)
    {
        JsonElement v = root.GetProperty(field);
        Assert.True(v.ValueKind is JsonValueKind.Null or JsonValueKind.Number, $"{field}: {v.ValueKind}");
        if (v.ValueKind == JsonValueKind.Number)
        {
            Assert.Contains(v.GetInt32(), pids);
        }
    }

    private static void AssertProcess(JsonElement p)
    {
        foreach (string field in s_processFields)
        {
            Assert.True(p.TryGetProperty(field, out _), $"process object lacks \"{field}\": {p}");
        }

        foreach (string number in new[] { "pid", "ppid", "uid", "rss_kib", "swap_kib", "pgtables_kib", "oom_score_adj", "oom_score" })
        {
            Assert.True(p.GetProperty(number).ValueKind == JsonValueKind.Number, $"\"{number}\" is not a number: {p}");
        }

        Assert.Equal(JsonValueKind.String, p.GetProperty("comm").ValueKind);
        Assert.True(p.GetProperty("exe").ValueKind is JsonValueKind.String or JsonValueKind.Null, p.ToString());
        Assert.True(p.GetProperty("kernel_badness").ValueKind is JsonValueKind.Number or JsonValueKind.Null, p.ToString());
        Assert.True(p.GetProperty("score").ValueKind is JsonValueKind.Number or JsonValueKind.Null, p.ToString());
        Assert.True(p.GetProperty("eligible").ValueKind is JsonValueKind.True or JsonValueKind.False, p.ToString());
        Assert.True(p.GetProperty("pardoned").ValueKind is JsonValueKind.True or JsonValueKind.False, p.ToString());
        Assert.Equal(JsonValueKind.Array, p.GetProperty("reasons").ValueKind);
        Assert.All(p.GetProperty("reasons").EnumerateArray(), x => Assert.Equal(JsonValueKind.String, x.ValueKind));
        Assert.InRange(p.GetProperty("oom_score").GetInt64(), 0, 2000);
        Assert.InRange(p.GetProperty("oom_score_adj").GetInt32(), -1000, 1000);
    }
}
