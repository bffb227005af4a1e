// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.Core;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Containers;
using Pardon.Daemon.Events;
using Pardon.Daemon.Monitor;
using Pardon.Daemon.Reports;
using Pardon.Daemon.Tests.Pardons;
using Pardon.Linux.Cgroups;

namespace Pardon.Daemon.Tests.Containers;

/// <summary>container, runtime, pod, qos and systemd_unit in rank JSON and kill events; the kernel's kill set; the containers configuration.</summary>
public sealed class ContainerOutputTests : IDisposable
{
    private const string Uid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";
    private const string BestEffortContainer = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0a1b2c3d_4e5f_6789_abcd_ef0123456789.slice/cri-containerd-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.scope";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ProcessFacts Make(int pid, string cgroup, long rss, short adj = 0) => new()
    {
        Pid = pid,
        Ppid = 1,
        Pgid = pid,
        StartTime = 1000,
        State = 'S',
        Comm = "p" + pid,
        Cgroup = cgroup,
        RssAnonPages = rss,
        OomScoreAdj = adj,
        HasMm = true,
    };

    private static Ranking Rank(params ProcessFacts[] processes)
    {
        var ranking = new Ranking();
        new VictimSelector(new SelectionPolicy()).Rank(new OomScope(ScopeKind.System, null, 6_000_000, 6_000_000, 4096), processes, 10_000_000, null, ranking);
        return ranking;
    }

    [Fact]
    public void RankJson_NamesContainerPodQosAndUnit()
    {
        Ranking ranking = Rank(Make(10, BestEffortContainer, 1_000, adj: 1000), Make(11, "/system.slice/nginx.service", 5_000));
        RankReport report = RankReportBuilder.Build(ranking, null, all: false, _ => null);
        using JsonDocument doc = JsonDocument.Parse(JsonSerializer.Serialize(report, PardonJsonContext.Default.RankReport));
        JsonElement[] processes = [.. doc.RootElement.GetProperty("processes").EnumerateArray()];

        JsonElement pod = processes.Single(p => p.GetProperty("pid").GetInt32() == 10);
        Assert.Equal("aaaaaaaaaaaa", pod.GetProperty("container").GetString());
        Assert.Equal("containerd", pod.GetProperty("runtime").GetString());
        Assert.Equal(Uid, pod.GetProperty("pod").GetString());
        Assert.Equal("BestEffort", pod.GetProperty("qos").GetString());
        Assert.Equal("cri-containerd-" + new string('a', 64) + ".scope", pod.GetProperty("systemd_unit").GetString());
        Assert.Equal("process", pod.GetProperty("unit").GetString()); // the kill unit keeps its name

        JsonElement host = processes.Single(p => p.GetProperty("pid").GetInt32() == 11);
        Assert.Equal(JsonValueKind.Null, host.GetProperty("container").ValueKind);
        Assert.Equal(JsonValueKind.Null, host.GetProperty("qos").ValueKind);
        Assert.Equal("nginx.service", host.GetProperty("systemd_unit").GetString());
    }

    [Fact]
    public void RankJson_KernelKillSet_TheVictimsOomGroup()
    {
        string root = _dir["cg"];
        string container = "/kubepods.slice/kubepods-pod0a1b2c3d_4e5f_6789_abcd_ef0123456789.slice/cri-containerd-" + new string('c', 64) + ".scope";
        Directory.CreateDirectory(root + container);
        File.WriteAllText(root + container + "/memory.oom.group", "1\n");
        Ranking ranking = Rank(Make(10, container, 50_000), Make(11, container, 1_000), Make(12, container, 1_000, adj: -1000), Make(13, "/system.slice/x.service", 2_000));
        var where = ScopeHierarchy.For(new CgroupHierarchy(root, CgroupVersion.V2), "/");

        RankReport report = RankReportBuilder.Build(ranking, null, all: false, _ => null).WithKernelKillSet(ranking, where);

        Assert.Equal(10, report.KernelVictim);
        Assert.Equal(container, report.KernelOomGroup);
        Assert.Equal([10, 11], report.KernelKillSet);

        File.WriteAllText(root + container + "/memory.oom.group", "0\n");
        report = RankReportBuilder.Build(ranking, null, all: false, _ => null).WithKernelKillSet(ranking, where);
        Assert.Null(report.KernelOomGroup);
        Assert.Equal([10], report.KernelKillSet);
    }

    [Fact]
    public void KillEvent_PlacementPlanAndCandidates()
    {
        Ranking ranking = Rank(Make(10, BestEffortContainer, 1_000, adj: 1000));
        var plan = new KillPlan { Victim = ranking[0].Process, Unit = KillUnit.Cgroup, Cgroup = BestEffortContainer };
        plan.Members.Add(ranking[0].Process);
        plan.Spared.Add(new SparedMember(11, "locker", "pardoned"));
        DaemonEvent e = new DaemonEvent { Event = "kill", Pid = 10, Candidates = [new CandidateReport { Comm = "p10", Tier = "normal", Reasons = [] }.WithPlacement(in ranking[0])] }
            .WithPlacement(in ranking[0]).WithPlan(plan);

        using JsonDocument doc = JsonDocument.Parse(JsonSerializer.Serialize(e, EventJsonContext.Default.DaemonEvent));
        JsonElement root = doc.RootElement;
        Assert.Equal("aaaaaaaaaaaa", root.GetProperty("container").GetString());
        Assert.Equal(Uid, root.GetProperty("pod").GetString());
        Assert.Equal("BestEffort", root.GetProperty("qos").GetString());
        Assert.Equal(BestEffortContainer, root.GetProperty("kill_cgroup").GetString());
        Assert.False(root.TryGetProperty("oom_group", out _));
        JsonElement spared = root.GetProperty("spared")[0];
        Assert.Equal(11, spared.GetProperty("pid").GetInt32());
        Assert.Equal("pardoned", spared.GetProperty("reason").GetString());
        Assert.Equal("BestEffort", root.GetProperty("candidates")[0].GetProperty("qos").GetString());
    }

    [Fact]
    public void Config_QosOrderAndRuleCriteria()
    {
        var config = new PardonConfig();
        ConfigLoader.Apply(config, """
            {
              "containers": { "qos_order": false },
              "units": [ { "container": "*", "unit": "cgroup" } ],
              "prefer": [ { "qos": "besteffort" } ]
            }
            """, "test");

        SelectionPolicy policy = config.ToPolicy(1);
        Assert.False(policy.QosOrder);
        Assert.Equal("*", policy.Units[0].Container);
        Assert.Equal(KillUnit.Cgroup, policy.Units[0].Unit);
        Assert.Equal(Core.Containers.QosClass.BestEffort, policy.Prefer[0].Qos);

        string printed = ConfigWriter.Write(config);
        Assert.Contains("\"qos_order\": false", printed, StringComparison.Ordinal);
        Assert.Contains("\"container\": \"*\"", printed, StringComparison.Ordinal);
        var again = new PardonConfig();
        ConfigLoader.Apply(again, printed, "printed");
        Assert.False(again.QosOrder);
        Assert.Equal("besteffort", again.Prefer[0].Qos);
    }

    [Theory]
    [InlineData("""{ "prefer": [ { "qos": "gold" } ] }""", "prefer[0].qos: \"gold\" is not a Kubernetes QoS class (use \"BestEffort\", \"Burstable\" or \"Guaranteed\")")]
    [InlineData("""{ "units": [ { "container": "", "unit": "cgroup" } ] }""", "units[0].container: an empty container glob matches nothing; use \"*\" for any container")]
    [InlineData("""{ "containers": { "qos_order": "yes" } }""", "containers.qos_order: expected true or false")]
    [InlineData("""{ "containers": { "qos": true } }""", "containers.qos")]
    public void Config_BadContainerSettings_OneLineEach(string json, string expected)
    {
        ConfigException ex = Assert.Throws<ConfigException>(() => ConfigLoader.Apply(new PardonConfig(), json, "test"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmbeddedDefaults_QosOrderOn()
    {
        Assert.True(ConfigLoader.Load(null).QosOrder);
    }
}
