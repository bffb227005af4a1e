// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Cgroups;

namespace Pardon.Linux.Tests;

public sealed class CgroupDirectoryTests : IDisposable
{
    private readonly TempTree _tree = new();

    public CgroupDirectoryTests()
    {
        CgroupTrees.WriteV2(_tree);
        CgroupTrees.WriteV1(_tree);
    }

    public void Dispose() => _tree.Dispose();

    [Theory]
    [InlineData("cg2/app.slice/web.service", CgroupVersion.V2, "/app.slice/web.service", new[] { "cg2/app.slice/web.service", "cg2/app.slice" })]
    [InlineData("cg2/app.slice/web.service/", CgroupVersion.V2, "/app.slice/web.service", new[] { "cg2/app.slice/web.service", "cg2/app.slice" })]
    [InlineData("cg2/app.slice", CgroupVersion.V2, "/app.slice", new[] { "cg2/app.slice" })]          // v2's root has no memory.max
    [InlineData("cg2/free.slice/x.service", CgroupVersion.V2, "/free.slice/x.service", new[] { "cg2/free.slice/x.service", "cg2/free.slice" })]
    [InlineData("cg1/parent/child", CgroupVersion.V1, "/parent/child", new[] { "cg1/parent/child", "cg1/parent", "cg1" })]
    [InlineData("cg1", CgroupVersion.V1, "/", new[] { "cg1" })]
    [InlineData("cg1/tight/../parent/./child", CgroupVersion.V1, "/parent/child", new[] { "cg1/parent/child", "cg1/parent", "cg1" })]
    public void Open_MemoryCgroup_RecognisesVersionAncestryAndPath(string relative, CgroupVersion version, string relativePath, string[] ancestry)
    {
        CgroupDirectory cg = CgroupDirectory.Open(_tree.PathOf(relative));

        Assert.Equal(version, cg.Version);
        Assert.Equal(relativePath, cg.RelativePath);
        Assert.Equal(ancestry.Select(_tree.PathOf), cg.Ancestry);
        Assert.Equal(cg.Ancestry[0], cg.Path);
        Assert.False(cg.Path.EndsWith('/'));
        Assert.Equal(Path.Combine(cg.Path, "memory.stat"), cg.FilePath("memory.stat"));
    }

    [Theory]
    [InlineData("missing", "no such directory")]
    [InlineData("cg2/app.slice/memory.max", "not a directory")]
    [InlineData("cg2/app.slice/memory.max", "such as /sys/fs/cgroup/memory/mygroup (v1) or /sys/fs/cgroup/mygroup (v2)")]
    [InlineData("proc", "not a cgroup directory (it has no cgroup.procs)")]
    [InlineData("cg2/nomem.slice", "a cgroup v2 directory without the memory controller")]
    [InlineData("cg2/nomem.slice", "\"+memory\" in the parent's cgroup.subtree_control")]
    [InlineData("cg2", "root of the cgroup v2 hierarchy")]
    [InlineData("cg2", "leave out --cgroup to watch the whole system")]
    [InlineData("cpu", "a cgroup v1 directory of a hierarchy without the memory controller")]
    [InlineData("cpu", "/sys/fs/cgroup/memory/")]
    public void Open_Unusable_SaysWhatIsWrong(string relative, string fragment)
    {
        _tree.CreateDirectory("proc");
        string dir = _tree.PathOf(relative);

        ScopeException e = Assert.Throws<ScopeException>(() => CgroupDirectory.Open(dir));

        Assert.StartsWith($"--cgroup {dir}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/sys/fs/cgroup/cpu", "a cgroup v1 directory of a hierarchy without the memory controller")]
    [InlineData("/sys/fs/cgroup/unified", "memory controller")]         // this machine's v2 mount: memory is bound to v1
    [InlineData("/sys/fs/cgroup", "not a cgroup directory (it has no cgroup.procs)")]
    [InlineData("/proc/meminfo", "not a directory")]
    [InlineData("/sys/fs/cgroup/memory/pardon-unit-test-does-not-exist", "no such directory")]
    public void Open_RealUnusableDirectories_SaysWhatIsWrong(string dir, string fragment)
    {
        ScopeException e = Assert.Throws<ScopeException>(() => CgroupDirectory.Open(dir));

        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OwnRealMemoryCgroup_MatchesProcSelfCgroup()
    {
        // This machine: the memory controller on v1 at /sys/fs/cgroup/memory.
        string line = File.ReadAllLines("/proc/self/cgroup").Single(l => l.Split(':')[1].Split(',').Contains("memory"));
        string relative = line.Split(':', 3)[2];

        CgroupDirectory cg = CgroupDirectory.Open("/sys/fs/cgroup/memory" + relative);

        Assert.Equal(CgroupVersion.V1, cg.Version);
        Assert.Equal(relative, cg.RelativePath);
        Assert.Equal("/sys/fs/cgroup/memory", cg.Ancestry[^1]);
        Assert.Equal(relative == "/" ? 1 : relative.Count(c => c == '/') + 1, cg.Ancestry.Count);
    }
}
