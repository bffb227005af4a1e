// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Containers;

/// <summary>
/// Kill unit `cgroup` for containers (`"units": [{ "container": "*", "unit": "cgroup" }]`): when a process
/// of a BestEffort container grows the node short, every process of the container dies together — one in
/// a sub-cgroup of the container's too — except a protected one, which the kill event names as spared;
/// the pod next door lives on. v1 memory cgroups, so the members are signalled one by one through pidfds
/// from the container's cgroup.procs files read at kill time. Takes about 5 s.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ContainerKillUnitTests : IDisposable
{
    private const int NodeMiB = 256;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;
    private readonly string _binDir = Directory.CreateTempSubdirectory("pardon-e2e-container-").FullName;

    public ContainerKillUnitTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose() => Directory.Delete(_binDir, recursive: true);

    [MemoryCgroupFact]
    public void Daemon_ContainerUnit_EveryProcessOfTheContainerDiesTogether()
    {
        string protectedExe = Path.Combine(_binDir, "protected-hog");
        File.Copy(Memhog.Path, protectedExe);
        using var cgroup = TestCgroup.Create((long)NodeMiB << 20, _output);
        var tree = new KubeletTree(cgroup);
        KubeletTree.Container job = tree.AddContainer("besteffort");
        KubeletTree.Container neighbour = tree.AddContainer("burstable");
        string jobWorkers = cgroup.CreateChild(Path.GetRelativePath(cgroup.Path, job.Directory) + "/workers");
        using var daemon = DaemonProcess.StartScoped(tree.Kubepods, _output, $$"""
            "units": [ { "container": "*", "unit": "cgroup" } ],
            "protect": [ { "exe": {{DaemonProcess.JsonString(Path.Combine(_binDir, "protected-*"))}} } ]
            """);

        CgroupProcess helper = cgroup.StartIn(job.Directory, Memhog.Path, "--mib", "5");
        CgroupProcess worker = cgroup.StartIn(jobWorkers, Memhog.Path, "--mib", "5");
        CgroupProcess keeper = cgroup.StartIn(job.Directory, protectedExe, "--mib", "5");
        CgroupProcess other = cgroup.StartIn(neighbour.Directory, Memhog.Path, "--mib", "30");
        foreach (CgroupProcess p in new[] { helper, worker, keeper, other })
        {
            p.WaitForReady(s_timeout);
        }

        CgroupProcess grower = cgroup.StartIn(job.Directory, Memhog.Path, "--mib", "240", "--rate", "40");
        daemon.WaitForEvent(e => EventsFile.Name(e) == "victim_exited", s_timeout, "victim_exited");
        var clock = Stopwatch.StartNew();
        CgroupProcess[] unit = [grower, helper, worker];
        while (!unit.All(p => p.HasExited) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(20);
        }

        Thread.Sleep(300);
        long oomKills = cgroup.ReadOomKillCount();
        bool keeperAlive = !keeper.HasExited, otherAlive = !other.HasExited;
        List<JsonElement> events = daemon.Stop();
        string context = string.Join("\n", new[] { ("grower", grower), ("helper", helper), ("worker", worker), ("keeper", keeper), ("neighbour", other) }
            .Select(x => $"{x.Item1} {x.Item2.Pid}: {x.Item2.Describe()}")) + "\n" + daemon.Describe();

        Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s)\n{context}");
        foreach (CgroupProcess p in unit)
        {
            Assert.True(p.HasExited && p.Signal is 15 or 9, $"{p.Pid} of the container did not die of the daemon's signal\n{context}");
        }

        Assert.True(keeperAlive, $"the protected member died\n{context}");
        Assert.True(otherAlive, $"the neighbouring pod died\n{context}");

        List<JsonElement> kills = [.. events.Named("kill").Where(k => !k.Flag("escalated"))];
        Assert.True(kills.Count == 1, $"one kill for the whole container expected, got {kills.Count}\n{context}");
        JsonElement kill = kills[0];
        _output.WriteLine(kill.GetRawText());
        Assert.Equal(grower.Pid, kill.Pid());
        Assert.Equal("cgroup", kill.Text("unit"));
        Assert.True(kill.Text("kill_cgroup")?.EndsWith(job.PathTail, StringComparison.Ordinal) == true, $"kill_cgroup is {kill.Text("kill_cgroup")}, not the container's {job.PathTail}\n{context}");
        List<int> unitPids = [.. kill.GetProperty("unit_pids").EnumerateArray().Select(x => x.GetInt32())];
        Assert.True(unitPids.Order().SequenceEqual(unit.Select(p => p.Pid).Order()), $"unit_pids {string.Join(",", unitPids)}\n{context}");
        JsonElement[] spared = [.. kill.GetProperty("spared").EnumerateArray()];
        Assert.True(spared.Length == 1 && spared[0].Long("pid") == keeper.Pid && spared[0].Text("reason") == "protected by protect[0]",
            $"the spared member is not reported: {kill.GetRawText()}\n{context}");
        Assert.Equal(job.ShortId, kill.Text("container"));
        Assert.Equal("BestEffort", kill.Text("qos"));
        Assert.Contains("with its cgroup", kill.Text("message"), StringComparison.Ordinal);
    }
}
