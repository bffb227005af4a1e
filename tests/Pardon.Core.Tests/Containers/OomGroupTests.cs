// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Containers;

namespace Pardon.Core.Tests.Containers;

/// <summary>memory.oom.group as mem_cgroup_get_oom_group() applies it, on a v2 tree with systemd-driver names.</summary>
public sealed class OomGroupTests
{
    private const string Pod = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0a1b2c3d_4e5f_6789_abcd_ef0123456789.slice";
    private static readonly string s_container = Pod + "/cri-containerd-" + new string('a', 64) + ".scope";
    private static readonly string s_sidecar = Pod + "/cri-containerd-" + new string('b', 64) + ".scope";

    private static Func<string, bool> Groups(params string[] withOomGroup) => path => withOomGroup.Contains(path);

    [Fact]
    public void HighestAncestorWithTheFlag_UpToTheOomDomain()
    {
        // Recent kubelets set memory.oom.group on each container's cgroup (v2); a flag on the pod is wider.
        Assert.Equal(s_container, OomGroup.Find(s_container, "/", Groups(s_container)));
        Assert.Equal(Pod, OomGroup.Find(s_container, "/", Groups(s_container, Pod)));
        Assert.Equal(Pod, OomGroup.Find(s_container + "/sub", "/", Groups(Pod)));
    }

    [Fact]
    public void NotAboveTheOomingMemcg()
    {
        // A memcg OOM of the container itself never kills outside it, whatever the pod says.
        Assert.Equal(s_container, OomGroup.Find(s_container, s_container, Groups(s_container, Pod)));
        Assert.Null(OomGroup.Find(s_container, s_container, Groups(Pod)));
    }

    [Fact]
    public void NothingForTheRootOrOutsideTheDomain()
    {
        Assert.Null(OomGroup.Find("/", "/", Groups("/")));
        Assert.Null(OomGroup.Find(null, "/", Groups(s_container)));
        Assert.Null(OomGroup.Find("/system.slice/x.service", Pod, Groups("/system.slice/x.service")));
        Assert.Null(OomGroup.Find(s_container, "/", Groups()));
    }

    [Fact]
    public void KillSet_TheGroupsProcessesButNotOomDisabledInitOrZombies()
    {
        ProcessFacts victim = TestProcess.Make(10, rssPages: 50_000, cgroup: s_container);
        ProcessFacts worker = TestProcess.Make(11, rssPages: 1_000, cgroup: s_container + "/workers");
        ProcessFacts exempt = TestProcess.Make(12, rssPages: 1_000, adj: -1000, cgroup: s_container);
        ProcessFacts zombie = TestProcess.Make(13, hasMm: false, cgroup: s_container);
        ProcessFacts sidecar = TestProcess.Make(14, rssPages: 1_000, cgroup: s_sidecar);
        ProcessFacts elsewhere = TestProcess.Make(15, rssPages: 1_000, cgroup: "/system.slice/x.service");
        var ranking = new Ranking();
        new VictimSelector(new SelectionPolicy()).Rank(TestProcess.SystemScope(), [victim, worker, exempt, zombie, sidecar, elsewhere], TestProcess.NowMs, null, ranking);
        Assert.Equal(0, ranking.KernelVictim);

        Assert.Equal([10, 11], OomGroup.KillSet(ranking, 0, s_container));
        Assert.Equal([10, 11, 14], OomGroup.KillSet(ranking, 0, Pod));
    }

    [Theory]
    [InlineData("/a/b", "/a", true)]
    [InlineData("/a", "/a", true)]
    [InlineData("/ab", "/a", false)]
    [InlineData("/a", "/a/b", false)]
    [InlineData("/a", "/", true)]
    [InlineData(null, "/", false)]
    public void IsWithin(string? path, string ancestor, bool expected) => Assert.Equal(expected, CgroupPaths.IsWithin(path, ancestor));

    [Theory]
    [InlineData("/a/b", "/a")]
    [InlineData("/a", "/")]
    [InlineData("/", null)]
    public void Parent(string path, string? expected) => Assert.Equal(expected, CgroupPaths.Parent(path));
}
