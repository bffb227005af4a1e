// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Containers;

/// <summary>
/// Node pressure on a kubelet-like tree (cgroupfs driver names, v1 memory cgroups): a small BestEffort pod,
/// a Burstable pod, and a larger Guaranteed pod that is growing when memory runs short. The QoS classes
/// come from the cgroup paths alone (oom_score_adj is 0 everywhere: this machine refuses the -997 the
/// kubelet would give the Guaranteed pod), so by size and growth — and by the kernel's own arithmetic —
/// the Guaranteed pod would die. With the QoS order the BestEffort pod dies first and the Guaranteed one
/// survives; without it (containers.qos_order false) the ordinary ranking kills the Guaranteed grower.
/// Takes about 5 s per case.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KubernetesQosTests
{
    private const int NodeMiB = 256;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public KubernetesQosTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void Daemon_NodePressure_BestEffortDiesFirstAndGuaranteedSurvives(bool qosOrder)
    {
        using var cgroup = TestCgroup.Create((long)NodeMiB << 20, _output);
        var tree = new KubeletTree(cgroup);
        KubeletTree.Container bestEffort = tree.AddContainer("besteffort");
        KubeletTree.Container burstable = tree.AddContainer("burstable");
        KubeletTree.Container guaranteed = tree.AddContainer("guaranteed");
        using var daemon = DaemonProcess.StartScoped(tree.Kubepods, _output, $$"""
            "containers": { "qos_order": {{(qosOrder ? "true" : "false")}} }
            """);

        CgroupProcess be = cgroup.StartIn(bestEffort.Directory, Memhog.Path, "--mib", "40");
        CgroupProcess bu = cgroup.StartIn(burstable.Directory, Memhog.Path, "--mib", "50");
        be.WaitForReady(s_timeout);
        bu.WaitForReady(s_timeout);

        // Larger than both, and growing when the node runs short: 40 + 50 + 170 MiB does not fit in 256.
        CgroupProcess g = cgroup.StartIn(guaranteed.Directory, Memhog.Path, "--mib", "170", "--rate", "40");
        JsonElement exited = daemon.WaitForEvent(e => EventsFile.Name(e) == "victim_exited", s_timeout, "victim_exited");
        var clock = Stopwatch.StartNew();
        while (!g.HasExited && !g.StandardOutput.Contains("ready " + g.Pid) && clock.Elapsed < s_timeout)
        {
            Thread.Sleep(50);
        }

        Thread.Sleep(500);
        long oomKills = cgroup.ReadOomKillCount();
        bool beAlive = !be.HasExited, buAlive = !bu.HasExited, gAlive = !g.HasExited;
        List<JsonElement> events = daemon.Stop();
        string context = $"BestEffort {be.Pid}: {be.Describe()}\nBurstable {bu.Pid}: {bu.Describe()}\nGuaranteed {g.Pid}: {g.Describe()}\n{daemon.Describe()}";

        Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s)\n{context}");
        List<JsonElement> kills = [.. events.Named("kill").Where(k => !k.Flag("escalated"))];
        Assert.True(kills.Count == 1, $"expected one victim, got {kills.Count}\n{context}");
        JsonElement kill = kills[0];
        _output.WriteLine(kill.GetRawText());
        Assert.True(kill.Long("kernel_victim") == g.Pid, $"the kernel would have killed the Guaranteed grower {g.Pid}\n{context}");
        Assert.True(buAlive, $"the Burstable pod died\n{context}");

        if (!qosOrder)
        {
            Assert.True(kill.Pid() == g.Pid && !gAlive && beAlive, $"without the QoS order the Guaranteed grower should have died\n{context}");
            return;
        }

        Assert.True(kill.Pid() == be.Pid, $"the victim is {kill.Pid()}, not the BestEffort pod {be.Pid}\n{context}");
        Assert.True(exited.Pid() == be.Pid && !beAlive && be.Signal is 15 or 9, $"the BestEffort pod did not die of the daemon's signal\n{context}");
        Assert.True(gAlive, $"the Guaranteed pod died\n{context}");

        // The event names the pod, the container and the class; the candidates carry theirs.
        Assert.Equal(bestEffort.ShortId, kill.Text("container"));
        Assert.Equal(bestEffort.Uid, kill.Text("pod"));
        Assert.Equal("BestEffort", kill.Text("qos"));
        Assert.Equal("unknown", kill.Text("runtime")); // a bare id under the pod: the cgroupfs driver names no runtime
        Assert.Contains($"pod {bestEffort.Uid}, QoS BestEffort", kill.Text("message"), StringComparison.Ordinal);
        Assert.Contains(kill.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.StartsWith("Kubernetes QoS BestEffort (from the cgroup path)", StringComparison.Ordinal));
        Dictionary<int, JsonElement> candidates = kill.GetProperty("candidates").EnumerateArray().ToDictionary(c => c.GetProperty("pid").GetInt32());
        Assert.True(candidates.TryGetValue(g.Pid, out JsonElement gc) && gc.Text("qos") == "Guaranteed" && gc.Text("pod") == guaranteed.Uid && gc.Text("container") == guaranteed.ShortId,
            $"the Guaranteed candidate is not named as such\n{context}");
        Assert.True(candidates.TryGetValue(bu.Pid, out JsonElement bc) && bc.Text("qos") == "Burstable", $"the Burstable candidate is not named as such\n{context}");
        Assert.True(gc.Long("score") > kill.Long("score"), $"the Guaranteed grower's score is not the higher: the class, not the score, must have decided\n{context}");
    }
}
