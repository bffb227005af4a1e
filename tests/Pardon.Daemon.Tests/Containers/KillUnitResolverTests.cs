// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.RegularExpressions;
using Pardon.Core;
using Pardon.Daemon.Monitor;
using Pardon.Daemon.Tests.Pardons;
using Pardon.Linux.Cgroups;

namespace Pardon.Daemon.Tests.Containers;

/// <summary>
/// Planning a cgroup kill unit on a fixture v2 tree with the kubelet's systemd-driver names: the
/// container's cgroup (not the victim's sub-cgroup), memory.oom.group, fresh membership (a real process
/// the ranking never saw is listed in the fixture's cgroup.procs), the members spared and why.
/// </summary>
public sealed class KillUnitResolverTests : IDisposable
{
    private const string Pod = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0a1b2c3d_4e5f_6789_abcd_ef0123456789.slice";
    private const int SelfPid = 99;
    private static readonly string s_container = Pod + "/cri-containerd-" + new string('a', 64) + ".scope";
    private static readonly string s_sidecar = Pod + "/cri-containerd-" + new string('b', 64) + ".scope";
    private readonly TempDirectory _dir = new();
    private readonly CgroupHierarchy _v2;

    public KillUnitResolverTests()
    {
        _v2 = new CgroupHierarchy(_dir["cg"], CgroupVersion.V2);
        Write("/cgroup.procs", "");
        Write(Pod + "/cgroup.procs", "");
        Write(Pod + "/memory.oom.group", "0\n");
        Write(s_container + "/cgroup.procs", "100\n101\n");
        Write(s_container + "/memory.oom.group", "0\n");
        Write(s_container + "/workers/cgroup.procs", "102\n103\n");
        Write(s_container + "/workers/memory.oom.group", "0\n");
        Write(s_sidecar + "/cgroup.procs", "104\n");
        Write(s_sidecar + "/memory.oom.group", "0\n");
    }

    public void Dispose() => _dir.Dispose();

    private void Write(string cgroupFile, string text)
    {
        string path = _dir["cg"] + cgroupFile;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static ProcessFacts Make(int pid, string cgroup, string comm = "worker", long rss = 1_000, short adj = 0) => new()
    {
        Pid = pid,
        Ppid = 1,
        Pgid = pid,
        Uid = 0,
        StartTime = 1000,
        State = 'S',
        Comm = comm,
        Exe = "/usr/bin/" + comm,
        Cmdline = comm,
        Cgroup = cgroup,
        RssAnonPages = rss,
        OomScoreAdj = adj,
        HasMm = true,
    };

    private static SelectionPolicy Policy(bool unitRule = true) => new()
    {
        SelfPid = SelfPid,
        Protect = [new ProcessRule { Source = "protect[0]", Comm = new Regex("^keeper$") }],
        Units = unitRule ? [new ProcessRule { Source = "units[0]", Container = "*", Unit = KillUnit.Cgroup }] : [],
    };

    /// <summary>The victim (largest) sits in a sub-cgroup of the container; a pardoned, a protected and an OOM-disabled process share the container.</summary>
    private static Ranking Rank(SelectionPolicy policy, params ProcessFacts[] extra)
    {
        ProcessFacts[] processes =
        [
            Make(100, s_container, "app"),
            Make(101, s_container, "locker"),
            Make(102, s_container + "/workers", "hog", rss: 90_000),
            Make(103, s_container + "/workers", "keeper"),
            Make(104, s_sidecar, "sidecar"),
            .. extra,
        ];
        var ranking = new Ranking();
        new VictimSelector(policy).Rank(new OomScope(ScopeKind.System, null, 6_000_000, 6_000_000, 4096), processes, 10_000_000, new OnePardon(101), ranking);
        return ranking;
    }

    private KillContext Context(SelectionPolicy policy, CgroupHierarchy? hierarchy, string scope = "/") => new()
    {
        Policy = policy,
        Pardons = new OnePardon(101),
        Hierarchy = hierarchy,
        ScopeCgroup = scope,
        NowMs = 10_000_000,
    };

    [Fact]
    public void CgroupUnit_TheWholeContainer_FreshMembers_SparedNamed()
    {
        using TestProcess newborn = TestProcess.Start();
        Write(s_container + "/workers/cgroup.procs", $"102\n103\n{newborn.Pid}\n");
        SelectionPolicy policy = Policy();
        Ranking ranking = Rank(policy);
        Assert.Equal("hog", ranking[ranking.Victim].Process.Comm);

        KillPlan plan = KillUnitResolver.Plan(ranking, ranking.Victim, Context(policy, _v2));

        Assert.Equal(KillUnit.Cgroup, plan.Unit);
        Assert.Equal(s_container, plan.Cgroup);
        Assert.False(plan.OomGroup);
        Assert.True(plan.FreshMembership);
        Assert.Equal([102, 100, newborn.Pid], plan.Members.Select(m => m.Pid));
        Assert.Equal([(101, "pardoned"), (103, "protected by protect[0]")], plan.Spared.Select(s => (s.Pid, s.Reason)));
        Assert.False(plan.CgroupKill); // cgroup.kill would take the spared too
    }

    [Fact]
    public void CgroupUnit_NobodyToSpare_CgroupKillOnV2Only()
    {
        SelectionPolicy policy = Policy();
        Write(s_container + "/cgroup.procs", "100\n");
        Write(s_container + "/workers/cgroup.procs", "102\n");
        Ranking ranking = Rank(policy);

        Assert.True(KillUnitResolver.Plan(ranking, ranking.Victim, Context(policy, _v2)).CgroupKill);
        Assert.False(KillUnitResolver.Plan(ranking, ranking.Victim, Context(policy, new CgroupHierarchy(_v2.MountPoint, CgroupVersion.V1))).CgroupKill);
    }

    [Fact]
    public void SelfInitAndOomDisabledAreSpared()
    {
        Write(s_container + "/cgroup.procs", $"100\n1\n{SelfPid}\n105\n101\n");
        SelectionPolicy policy = Policy();
        Ranking ranking = Rank(policy, Make(1, s_container, "init"), Make(SelfPid, s_container, "pardon"), Make(105, s_container, "sshd", adj: -1000));

        KillPlan plan = KillUnitResolver.Plan(ranking, ranking.Victim, Context(policy, _v2));

        Assert.Equal([102, 100], plan.Members.Select(m => m.Pid));
        Assert.Equal(
            [(1, "pid 1 (init)"), (SelfPid, "Pardon itself"), (105, "oom_score_adj -1000"), (101, "pardoned"), (103, "protected by protect[0]")],
            plan.Spared.Select(s => (s.Pid, s.Reason)));
    }

    [Fact]
    public void OomGroup_WidensAProcessUnitToTheGroup_AsTheKernelWould()
    {
        Write(s_container + "/memory.oom.group", "1\n");
        Write(s_container + "/cgroup.procs", "100\n");
        Write(s_container + "/workers/cgroup.procs", "102\n");
        SelectionPolicy policy = Policy(unitRule: false);
        Ranking ranking = Rank(policy);

        KillPlan plan = KillUnitResolver.Plan(ranking, ranking.Victim, Context(policy, _v2));

        Assert.Equal(KillUnit.Cgroup, plan.Unit);
        Assert.Equal(s_container, plan.Cgroup);
        Assert.True(plan.OomGroup);
        Assert.Equal([102, 100], plan.Members.Select(m => m.Pid));

        // A flag on the pod is higher: the sidecar goes too.
        Write(Pod + "/memory.oom.group", "1\n");
        plan = KillUnitResolver.Plan(ranking, ranking.Victim, Context(policy, _v2));
        Assert.Equal(Pod, plan.Cgroup);
        Assert.Equal([102, 100, 104], plan.Members.Select(m => m.Pid));

        // v1 has no memory.oom.group.
        plan = KillUnitResolver.Plan(ranking, ranking.Victim, Context(policy, new CgroupHierarchy(_v2.MountPoint, CgroupVersion.V1)));
        Assert.Equal(KillUnit.Process, plan.Unit);
        Assert.Equal([102], plan.Members.Select(m => m.Pid));
    }

    [Fact]
    public void NeverAboveTheScope()
    {
        SelectionPolicy policy = Policy();
        Ranking ranking = Rank(policy);

        KillPlan plan = KillUnitResolver.Plan(ranking, ranking.Victim, Context(policy, _v2, scope: s_container + "/workers"));

        Assert.Equal(s_container + "/workers", plan.Cgroup);
        Assert.Equal([102], plan.Members.Select(m => m.Pid));
        Assert.Equal([103], plan.Spared.Select(s => s.Pid));
    }

    [Fact]
    public void RootCgroup_NeverAUnit_TheVictimDiesAlone()
    {
        // On v1 most processes sit in the root memory cgroup: a cgroup unit there would be the machine.
        var policy = new SelectionPolicy { SelfPid = SelfPid, Units = [new ProcessRule { Source = "units[0]", Cgroup = "/", Unit = KillUnit.Cgroup }] };
        Write("/cgroup.procs", "200\n201\n");
        var ranking = new Ranking();
        new VictimSelector(policy).Rank(new OomScope(ScopeKind.System, null, 6_000_000, 6_000_000, 4096), [Make(200, "/", "hog", rss: 90_000), Make(201, "/", "sshd")], 10_000_000, null, ranking);

        KillPlan plan = KillUnitResolver.Plan(ranking, ranking.Victim, Context(policy, _v2));

        Assert.Null(plan.Cgroup);
        Assert.False(plan.CgroupKill);
        Assert.Equal([200], plan.Members.Select(m => m.Pid));
    }

    [Fact]
    public void WithoutTheHierarchy_TheScansMembersOfTheContainer()
    {
        SelectionPolicy policy = Policy();
        Ranking ranking = Rank(policy);

        KillPlan plan = KillUnitResolver.Plan(ranking, ranking.Victim, Context(policy, hierarchy: null));

        Assert.Equal(s_container, plan.Cgroup);
        Assert.False(plan.FreshMembership);
        Assert.False(plan.CgroupKill);
        Assert.Equal([102, 100], plan.Members.Select(m => m.Pid));
        Assert.Equal([101, 103], plan.Spared.Select(s => s.Pid));
        Assert.Equal([102, 100], KillUnitResolver.Resolve(ranking, ranking.Victim).Select(m => m.Pid));
    }

    [Fact]
    public void Newcomers_ForkedAfterThePlan()
    {
        SelectionPolicy policy = Policy();
        Write(s_container + "/cgroup.procs", "100\n");
        Write(s_container + "/workers/cgroup.procs", "102\n");
        Ranking ranking = Rank(policy);
        KillContext context = Context(policy, _v2);
        KillPlan plan = KillUnitResolver.Plan(ranking, ranking.Victim, context);
        Assert.Empty(KillUnitResolver.Newcomers(plan, context));

        using TestProcess child = TestProcess.Start();
        Write(s_container + "/workers/cgroup.procs", $"102\n{child.Pid}\n");

        Assert.Equal([child.Pid], KillUnitResolver.Newcomers(plan, context).Select(p => p.Pid));
        Assert.Contains(plan.Members, m => m.Pid == child.Pid);
        Assert.Empty(KillUnitResolver.Newcomers(plan, context));
    }

    private sealed class OnePardon(int pid) : IPardonView
    {
        public PardonGrant? Find(ProcessFacts process) => process.Pid != pid ? null : new PardonGrant
        {
            Pid = pid,
            StartTime = process.StartTime,
            RequestedByUid = 0,
            RequestedByPid = pid,
            Reason = "test",
            Rule = "root",
            MaxRssKiB = 0,
            GrantedAtUnixMs = 0,
            OwnerUid = 0,
        };
    }
}
