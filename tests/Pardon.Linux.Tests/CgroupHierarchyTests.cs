// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Cgroups;

namespace Pardon.Linux.Tests;

/// <summary>The memory hierarchy found in mountinfo, and the files read or written by cgroup path, on fixture trees.</summary>
public sealed class CgroupHierarchyTests : IDisposable
{
    private const string Pod = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0a1b2c3d_4e5f_6789_abcd_ef0123456789.slice";
    private static readonly string s_container = Pod + "/cri-containerd-" + new string('a', 64) + ".scope";
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    /// <summary>This project's own machines: v1 controllers (memory among them) beside an empty cgroup2 at unified/.</summary>
    private const string HybridMountInfo =
        "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n" +
        "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n" +
        "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n" +
        "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n" +
        "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

    [Fact]
    public void LocateMemory_HybridHost_TheV1MemoryMount()
    {
        string mountInfo = _tree.Write("mountinfo", HybridMountInfo);
        CgroupHierarchy? h = CgroupHierarchy.LocateMemory(mountInfo);

        Assert.NotNull(h);
        Assert.Equal("/sys/fs/cgroup/memory", h.MountPoint);
        Assert.Equal(CgroupVersion.V1, h.Version);
    }

    [Fact]
    public void LocateMemory_UnifiedHost_TheCgroup2MountWithMemory()
    {
        string root = _tree.CreateDirectory("cg2");
        _tree.Write("cg2/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
        _tree.CreateDirectory("other");
        _tree.Write("other/cgroup.controllers", "cpu pids\n");
        string mountInfo = _tree.Write("mountinfo",
            $"25 1 0:22 / {_tree.PathOf("other")} rw - cgroup2 cgroup2 rw\n" +
            // The same hierarchy seen from another cgroup namespace: its root is not the hierarchy's.
            $"26 1 0:23 /../.. /host/cgroup rw - cgroup2 cgroup2 rw\n" +
            $"27 1 0:23 / {root} rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n");

        CgroupHierarchy? h = CgroupHierarchy.LocateMemory(mountInfo);

        Assert.NotNull(h);
        Assert.Equal(root, h.MountPoint);
        Assert.Equal(CgroupVersion.V2, h.Version);
    }

    [Fact]
    public void LocateMemory_AMountCoveredByALaterOne_DoesNotCount()
    {
        // A pod on a cgroup v2 node: the runtime's own cgroupfs (its namespace's root) at /sys/fs/cgroup,
        // then the host's tree bind-mounted over it, seen from the pod's cgroup namespace.
        _tree.CreateDirectory("cg2");
        _tree.Write("cg2/cgroup.controllers", "cpu io memory pids\n");
        string mountInfo = _tree.Write("mountinfo",
            $"1210 1200 0:30 / {_tree.PathOf("cg2")} ro,nosuid - cgroup2 cgroup rw\n" +
            $"1230 1210 0:30 /../../.. {_tree.PathOf("cg2")} rw,relatime - cgroup2 cgroup2 rw\n");

        Assert.Null(CgroupHierarchy.LocateMemory(mountInfo));
    }

    [Fact]
    public void LocateMemory_NoMemoryController_Null()
    {
        _tree.CreateDirectory("cg2");
        _tree.Write("cg2/cgroup.controllers", "cpu io pids\n");
        string mountInfo = _tree.Write("mountinfo", $"27 1 0:23 / {_tree.PathOf("cg2")} rw - cgroup2 cgroup2 rw\n");

        Assert.Null(CgroupHierarchy.LocateMemory(mountInfo));
        Assert.Null(CgroupHierarchy.LocateMemory(_tree.PathOf("no-such-file")));
    }

    [Fact]
    public void LocateMemory_EscapedMountPoint()
    {
        string mountInfo = _tree.Write("mountinfo", "34 30 0:31 / /mnt/my\\040cgroups rw - cgroup cgroup rw,nosuid,memory\n");
        Assert.Equal("/mnt/my cgroups", CgroupHierarchy.LocateMemory(mountInfo)?.MountPoint);
    }

    [Theory]
    [InlineData("/", "/sys/fs/cgroup")]
    [InlineData("/a/b", "/sys/fs/cgroup/a/b")]
    [InlineData("/a/b/", "/sys/fs/cgroup/a/b")]
    [InlineData("/../a", null)]        // another cgroup namespace: not reachable through this mount
    [InlineData("/..", null)]
    [InlineData("a", null)]
    [InlineData(null, null)]
    public void DirectoryOf(string? cgroup, string? expected)
        => Assert.Equal(expected, new CgroupHierarchy("/sys/fs/cgroup", CgroupVersion.V2).DirectoryOf(cgroup));

    [Theory]
    [InlineData("/sys/fs/cgroup", "/")]
    [InlineData("/sys/fs/cgroup/a/b", "/a/b")]
    [InlineData("/sys/fs/cgroupx/a", null)]
    [InlineData("/elsewhere", null)]
    public void PathOf(string directory, string? expected)
        => Assert.Equal(expected, new CgroupHierarchy("/sys/fs/cgroup", CgroupVersion.V2).PathOf(directory));

    [Fact]
    public void Of_AScopesDirectory_TheHierarchyAboveIt()
    {
        string root = CgroupTrees.WriteV2(_tree);
        CgroupDirectory dir = CgroupDirectory.Open(Path.Combine(root, "app.slice", "web.service"));
        CgroupHierarchy h = CgroupHierarchy.Of(dir);

        Assert.Equal(root, h.MountPoint);
        Assert.Equal("/app.slice/web.service", h.PathOf(dir.Path));
    }

    /// <summary>A v2 tree with the systemd driver's names: a Burstable pod with a container and a sub-cgroup in it.</summary>
    private CgroupHierarchy WriteKubeTree()
    {
        string root = _tree.CreateDirectory("cg");
        _tree.Write("cg/cgroup.procs", "1\n");
        _tree.Write("cg" + Pod + "/cgroup.procs", "");
        _tree.Write("cg" + Pod + "/memory.oom.group", "0\n");
        _tree.Write("cg" + s_container + "/cgroup.procs", "100\n101\n");
        _tree.Write("cg" + s_container + "/memory.oom.group", "1\n");
        _tree.Write("cg" + s_container + "/cgroup.kill", "");
        _tree.Write("cg" + s_container + "/workers/cgroup.procs", "102\n");
        _tree.Write("cg" + s_container + "/workers/memory.oom.group", "0\n");
        return new CgroupHierarchy(root, CgroupVersion.V2);
    }

    [Fact]
    public void ReadMembers_TheCgroupAndItsDescendants()
    {
        CgroupHierarchy h = WriteKubeTree();

        Assert.Equal([100, 101, 102], h.ReadMembers(s_container));
        Assert.Equal([100, 101, 102], h.ReadMembers(Pod));
        Assert.Null(h.ReadMembers(Pod + "/gone"));
        Assert.Null(h.ReadMembers("/../elsewhere"));
    }

    [Fact]
    public void OomGroup_HighestFlaggedAncestorUpToTheDomain()
    {
        CgroupHierarchy h = WriteKubeTree();

        Assert.True(h.IsOomGroup(s_container));
        Assert.False(h.IsOomGroup(Pod));
        Assert.False(h.IsOomGroup("/"));
        Assert.Equal(s_container, h.FindOomGroup(s_container + "/workers", "/"));

        _tree.Write("cg" + Pod + "/memory.oom.group", "1\n");
        Assert.Equal(Pod, h.FindOomGroup(s_container + "/workers", "/"));
        Assert.Equal(s_container, h.FindOomGroup(s_container + "/workers", s_container));

        var v1 = new CgroupHierarchy(h.MountPoint, CgroupVersion.V1);
        Assert.Null(v1.FindOomGroup(s_container, "/"));
    }

    [Fact]
    public void Kill_WritesOneToCgroupKill_OnV2Only()
    {
        CgroupHierarchy h = WriteKubeTree();

        Assert.Equal(0, h.Kill(s_container));
        Assert.Equal("1", File.ReadAllText(_tree.PathOf("cg" + s_container + "/cgroup.kill")));
        Assert.Equal(95, new CgroupHierarchy(h.MountPoint, CgroupVersion.V1).Kill(s_container)); // EOPNOTSUPP
        Assert.Equal(2, h.Kill(Pod + "/gone"));                                                   // ENOENT
    }
}
