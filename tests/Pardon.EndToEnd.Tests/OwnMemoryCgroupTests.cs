// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.EndToEnd.Tests.Infrastructure;

namespace Pardon.EndToEnd.Tests;

/// <summary>Finding the test's own memory cgroup, v1 and v2, from fixture /proc files and a fake cgroupfs.</summary>
public sealed class OwnMemoryCgroupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pardon-own-cgroup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TryFind_V1_UsesTheMemoryLineUnderTheMemoryMount()
    {
        string mount = MakeDir("memory");
        MakeFile("memory/app/slice/memory.limit_in_bytes", "9223372036854771712\n");
        OwnMemoryCgroup? own = Find(
            "4:memory:/app/slice\n3:cpu,cpuacct:/other\n0::/\n",
            $"35 31 0:32 / {mount} rw,relatime shared:9 - cgroup cgroup rw,memory\n41 31 0:38 / /x rw - cgroup2 cgroup2 rw\n",
            out string reason);

        Assert.NotNull(own);
        Assert.Equal(1, own.Version);
        Assert.Equal(mount + "/app/slice", own.Directory);
        Assert.Empty(reason);
    }

    [Fact]
    public void TryFind_V1_MountRootedBelowTheHierarchy_IsJoinedCorrectly()
    {
        // Inside a container the memory hierarchy is often mounted from the container's own cgroup.
        string mount = MakeDir("memory");
        MakeFile("memory/inner/memory.limit_in_bytes", "1\n");
        OwnMemoryCgroup? own = Find("4:memory:/docker/abc/inner\n", $"35 31 0:32 /docker/abc {mount} rw - cgroup cgroup rw,memory\n", out _);

        Assert.Equal(mount + "/inner", own?.Directory);
    }

    [Fact]
    public void TryFind_V2_WithMemoryDelegated_UsesTheUnifiedLine()
    {
        string mount = MakeDir("unified");
        MakeFile("unified/user.slice/test/cgroup.controllers", "cpu io memory pids\n");
        MakeFile("unified/user.slice/test/cgroup.subtree_control", "memory pids\n");
        OwnMemoryCgroup? own = Find("0::/user.slice/test\n", $"41 31 0:38 / {mount} rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n", out string reason);

        Assert.NotNull(own);
        Assert.Equal(2, own.Version);
        Assert.Equal(mount + "/user.slice/test", own.Directory);
        Assert.Empty(reason);
    }

    [Fact]
    public void TryFind_V2_WithoutMemoryInSubtreeControl_SaysSo()
    {
        string mount = MakeDir("unified");
        MakeFile("unified/a/cgroup.controllers", "cpu memory\n");
        MakeFile("unified/a/cgroup.subtree_control", "cpu\n");
        OwnMemoryCgroup? own = Find("0::/a\n", $"41 31 0:38 / {mount} rw - cgroup2 cgroup2 rw\n", out string reason);

        Assert.Null(own);
        Assert.Contains("subtree_control", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFind_V2_WithoutTheMemoryController_SaysSo()
    {
        // This machine's own layout: memory is bound to v1, and the v2 mount has only hugetlb.
        string mount = MakeDir("unified");
        MakeFile("unified/cgroup.controllers", "hugetlb\n");
        MakeFile("unified/cgroup.subtree_control", "\n");
        OwnMemoryCgroup? own = Find("0::/\n", $"41 31 0:38 / {mount} rw - cgroup2 cgroup2 rw\n", out string reason);

        Assert.Null(own);
        Assert.Contains("memory controller is not available", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFind_MountPointWithEscapedSpace_IsUnescaped()
    {
        string mount = MakeDir("with space");
        MakeFile("with space/g/memory.limit_in_bytes", "1\n");
        OwnMemoryCgroup? own = Find("7:memory:/g\n", $"35 31 0:32 / {mount.Replace(" ", "\\040", StringComparison.Ordinal)} rw - cgroup cgroup rw,memory\n", out _);

        Assert.Equal(mount + "/g", own?.Directory);
    }

    [Fact]
    public void TryFind_NoMemoryAnywhere_SaysSo()
    {
        OwnMemoryCgroup? own = Find("3:cpu:/\n", "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n", out string reason);

        Assert.Null(own);
        Assert.Contains("no memory cgroup", reason, StringComparison.Ordinal);
    }

    private OwnMemoryCgroup? Find(string cgroup, string mountInfo, out string reason)
    {
        string cgroupFile = MakeFile("proc-cgroup", cgroup);
        string mountFile = MakeFile("proc-mountinfo", mountInfo);
        return OwnMemoryCgroup.TryFind(cgroupFile, mountFile, out reason);
    }

    private string MakeDir(string relative) => Directory.CreateDirectory(Path.Combine(_root, relative)).FullName;

    private string MakeFile(string relative, string content)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }
}
