// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Prediction;

/// <summary>
/// Equal badness in a cgroup v1 memcg: the kernel keeps the last it meets in its css_set task list, an order
/// cgroupfs does not show (cgroup.procs is sorted by pid). Three forked children with identical memory counters
/// tie; `rank` says so, and the kernel kills one of them. About 5 s.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TieTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public TieTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task RankCgroup_IdenticalProcesses_AreATie_AndTheKernelKillsOneOfThem()
    {
        using var cgroup = TestCgroup.Create(256L << 20, _output);
        string cpu = OomTrigger.Cpu();
        CgroupProcess parent = cgroup.StartMemhog("--mib", "40", "--fork", "3", "--child-adj", "500", "--cpu", cpu);
        parent.WaitForReady(s_timeout);
        int[] children = [.. parent.StandardOutput.Where(l => l.StartsWith("child ", StringComparison.Ordinal)).Select(l => int.Parse(l[6..], CultureInfo.InvariantCulture))];
        Assert.Equal(3, children.Length);
        Thread.Sleep(500); // the children write their copies

        PardonResult rank = await PardonRunner.RunAsync(["rank", "--cgroup", cgroup.Path, "--json", "--forecast-interval", "0"]);
        string context = $"parent {parent.Pid}, children {string.Join(", ", children)}\n{rank}";
        Assert.True(rank.ExitCode == 0, context);
        using JsonDocument json = JsonDocument.Parse(rank.Stdout);
        JsonElement root = json.RootElement;
        int predicted = root.GetProperty("kernel_victim").GetInt32();
        int[] ties = [.. root.GetProperty("kernel_victim_ties").EnumerateArray().Select(t => t.GetInt32())];
        Assert.True(children.Contains(predicted), "the kernel's victim is one of the children\n" + context);
        Assert.True(ties.Order().SequenceEqual(children.Where(c => c != predicted).Order()), "the other two are named as ties\n" + context);
        Assert.True(children.All(c => root.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("pid").GetInt32() == c).GetProperty("tie").GetBoolean()), context);

        long killsBefore = cgroup.ReadOomKillCount();
        CgroupProcess trigger = OomTrigger.Start(cgroup, cgroup.Path, cgroup.Path, cgroup.LimitBytes, cpu);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (cgroup.ReadOomKillCount() == killsBefore && clock.Elapsed < s_timeout)
        {
            await Task.Delay(10);
        }

        try
        {
            trigger.WaitForReady(s_timeout);
        }
        catch (TimeoutException)
        {
        }

        List<int>? order = KernelLog.KilledInOrder([parent.Pid, trigger.Pid, .. children]);
        string outcome = $"killed in order: {(order is null ? "(log unreadable)" : string.Join(", ", order))}; trigger {trigger.Describe()}\n{KernelLog.Tail(30)}";
        Assert.True(order is { Count: > 0 } && children.Contains(order[0]), "the kernel killed one of the tied children first\n" + outcome + "\n" + context);
        _output.WriteLine($"tie among {string.Join(", ", children)}; Pardon's guess {predicted} (the last in its order), the kernel killed {order[0]}: {(order[0] == predicted ? "the guess held" : "another of the tie")}");
    }
}
