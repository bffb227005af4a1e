// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Prediction;

/// <summary>
/// The issue's nested limits: parent 384 MiB, child 256 MiB, a 200 MiB process in the child's sibling. The
/// parent has less headroom, so its OOM strikes first and scans its whole subtree: `rank --cgroup child` names
/// the parent as the OOMing cgroup and the sibling's process as the kernel's victim — and the kernel kills it.
/// About 5 s.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class NestedLimitTests
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public NestedLimitTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task RankChild_AncestorOoms_AndTheSiblingsProcessDies_AsPredicted()
    {
        using var parent = TestCgroup.Create(384 * MiB, _output);
        string child = parent.CreateChild("child");
        string sibling = parent.CreateChild("sibling");
        File.WriteAllText(Path.Combine(child, parent.Version == 1 ? "memory.limit_in_bytes" : "memory.max"), (256 * MiB).ToString(CultureInfo.InvariantCulture));
        string cpu = OomTrigger.Cpu();

        CgroupProcess big = parent.StartIn(sibling, Memhog.Path, "--mib", "200", "--cpu", cpu);
        big.WaitForReady(s_timeout);
        CgroupProcess mine = parent.StartIn(child, Memhog.Path, "--mib", "40", "--cpu", cpu);
        mine.WaitForReady(s_timeout);

        PardonResult rank = await PardonRunner.RunAsync(["rank", "--cgroup", child, "--json", "--forecast-interval", "0"]);
        string context = $"sibling {big.Pid}, child {mine.Pid}\n{rank}";
        Assert.True(rank.ExitCode == 0, context);
        using JsonDocument json = JsonDocument.Parse(rank.Stdout);
        JsonElement root = json.RootElement;
        JsonElement scope = root.GetProperty("scope");
        Assert.True(scope.GetProperty("ooming_cgroup").GetString() == parent.Path, "the parent's OOM strikes first\n" + context);
        Assert.True(scope.GetProperty("total_pages").GetInt64() == 384 * MiB / Environment.SystemPageSize, "totalpages from the parent's limit\n" + context);
        Assert.True(root.GetProperty("kernel_victim").GetInt32() == big.Pid, "the kernel's victim is the sibling's process\n" + context);
        Assert.True(root.GetProperty("victim").GetInt32() == mine.Pid, "Pardon, watching the child, chooses inside it\n" + context);
        JsonElement[] processes = [.. root.GetProperty("processes").EnumerateArray()];
        Assert.True(processes.Single(p => p.GetProperty("pid").GetInt32() == big.Pid).GetProperty("outside_scope").GetBoolean(), context);
        Assert.False(processes.Single(p => p.GetProperty("pid").GetInt32() == mine.Pid).GetProperty("outside_scope").GetBoolean(), context);
        JsonElement[] levels = [.. scope.GetProperty("levels").EnumerateArray()];
        Assert.True(levels[0].GetProperty("headroom_bytes").GetInt64() > levels[1].GetProperty("headroom_bytes").GetInt64(), context);

        // Now let the child grow: the parent runs out first, and the kernel kills the sibling's process.
        long killsBefore = OomTrigger.OomKills(sibling) + OomTrigger.OomKills(child);
        CgroupProcess trigger = OomTrigger.Start(parent, child, parent.Path, 384 * MiB, cpu);
        Assert.True(OomTrigger.WaitForADeath([big, mine, trigger], s_timeout), $"no OOM kill within {s_timeout.TotalSeconds} s\n{context}");
        try
        {
            trigger.WaitForReady(s_timeout);
        }
        catch (TimeoutException)
        {
            // The assertions below say what happened.
        }

        List<int>? order = KernelLog.KilledInOrder([big.Pid, mine.Pid, trigger.Pid]);
        string outcome = $"sibling: {big.Describe()}\nchild: {mine.Describe()}\ntrigger: {trigger.Describe()}\nkilled in order: {(order is null ? "(log unreadable)" : string.Join(", ", order))}\n{KernelLog.Tail(30)}";
        Assert.True(big.KilledBySigkill && order is { Count: > 0 } && order[0] == big.Pid, "the kernel killed the sibling's process first\n" + outcome + "\n" + context);
        Assert.True(!mine.HasExited && !trigger.HasExited, "the child's processes survived\n" + outcome);
        Assert.True(OomTrigger.OomKills(sibling) + OomTrigger.OomKills(child) - killsBefore == 1, "one OOM kill\n" + outcome);
    }
}
