// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Core;
using Pardon.Linux.Cgroups;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary>
/// The memcg OOM killer's iteration order: for_each_mem_cgroup_tree() is a pre-order walk whose children come
/// in creation order (ascending inode on cgroupfs), then each cgroup's tasks.
/// </summary>
public sealed class CgroupPidSourceTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    /// <summary>Builds a tree whose creation order is not alphabetical, with a level wider than the reader's first buffers.</summary>
    private string WriteTree()
    {
        _tree.Write("cg/cgroup.procs", "10\n11\n");
        _tree.Write("cg/memory.max", "max\n");
        _tree.Write("cg/zeta/cgroup.procs", "30\n20\n25\n");            // file order, not sorted
        _tree.Write("cg/alpha/cgroup.procs", "40\n");
        _tree.Write("cg/alpha/inner/cgroup.procs", "41\n42\n");
        _tree.Write("cg/alpha/inner/deeper/cgroup.procs", "43\n");
        _tree.Write("cg/alpha/empty/cgroup.procs", "");
        _tree.Write("cg/mid/cgroup.procs", "50\n\nnot-a-pid\n0\n-5\n51");   // junk is skipped; no final newline
        for (int i = 0; i < 40; i++)
        {
            _tree.Write($"cg/wide/child-with-a-rather-long-name-{i:D2}/cgroup.procs", $"{1000 + i}\n");
        }

        _tree.Write("cg/wide/cgroup.procs", "");
        return _tree.PathOf("cg");
    }

    [Fact]
    public void Collect_Tree_PreOrderByInodeWithPidsInFileOrder()
    {
        string root = WriteTree();
        var source = new CgroupPidSource(root, CgroupVersion.V2);
        var pids = new PidList();

        Assert.True(source.Collect(pids));

        var expected = new List<(int Pid, int Group)>();
        int group = 0;
        Oracle(root, expected, ref group);
        Assert.Equal(expected.Select(e => e.Pid), pids.Pids.ToArray());
        Assert.Equal(expected.Select(e => e.Group), pids.Groups.ToArray());
        Assert.Equal(48, group);                   // cgroups visited: every directory of the tree
        Assert.Equal(51, pids.Count);
        Assert.Equal(new[] { 10, 11 }, pids.Pids[..2].ToArray());
        Assert.Equal(0, pids.Groups[0]);
    }

    [Theory]
    [InlineData(CgroupVersion.V2, true)]     // v2 cgroup.procs is the kernel's own task order
    [InlineData(CgroupVersion.V1, false)]    // v1 sorts its pid lists
    public void OrderIsKernelOrder_ByVersion(CgroupVersion version, bool expected)
    {
        Assert.Equal(expected, new CgroupPidSource(_tree.Root, version).OrderIsKernelOrder);
    }

    [Fact]
    public void Collect_LargeCgroupProcs_ReadsEveryPid()
    {
        // Beyond the 64 KiB first buffer.
        IEnumerable<int> all = Enumerable.Range(100_000, 20_000);
        _tree.Write("big/cgroup.procs", string.Join('\n', all) + "\n");
        var pids = new PidList();

        Assert.True(new CgroupPidSource(_tree.PathOf("big"), CgroupVersion.V2).Collect(pids));

        Assert.Equal(all, pids.Pids.ToArray());
    }

    [Fact]
    public void Collect_RemovedCgroup_ReturnsFalseAndEmpty()
    {
        string root = WriteTree();
        var source = new CgroupPidSource(root, CgroupVersion.V2);
        var pids = new PidList();
        Assert.True(source.Collect(pids));

        _tree.Delete("cg");

        Assert.False(source.Collect(pids));
        Assert.Equal(0, pids.Count);
    }

    [Fact]
    public void Collect_SteadyState_AllocatesNothing()
    {
        string root = WriteTree();
        var source = new CgroupPidSource(root, CgroupVersion.V2);
        var pids = new PidList();
        source.Collect(pids);
        source.Collect(pids);

        long before = GC.GetAllocatedBytesForCurrentThread();
        source.Collect(pids);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(51, pids.Count);
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(CgroupVersion.V2, new[] { 300, 250, 401, 2 })]    // the cgroup walk, tasks as listed
    [InlineData(CgroupVersion.V1, new[] { 250, 300, 401, 2 })]    // the cgroup walk, then start time and pid within a cgroup
    public void Scan_WithCgroupSource_FollowsTheMemcgWalk(CgroupVersion version, int[] expected)
    {
        CgroupTrees.WriteV2(_tree);
        new FakeProcess(300, "web") { StartTime = 5000 }.WriteTo(_tree);
        new FakeProcess(250, "worker") { StartTime = 5000 }.WriteTo(_tree);
        new FakeProcess(401, "db") { StartTime = 100 }.WriteTo(_tree);
        new FakeProcess(2, "idle") { StartTime = 50 }.WriteTo(_tree);
        _tree.Write("proc/meminfo", CgroupTrees.MemInfo);

        // db.service is created after web.service: make the expectation follow the real inodes.
        bool webFirst = Inode(_tree.PathOf("cg2/app.slice/web.service")) < Inode(_tree.PathOf("cg2/app.slice/db.service"));
        bool appFirst = Inode(_tree.PathOf("cg2/app.slice")) < Inode(_tree.PathOf("cg2/free.slice"));
        int[] web = expected[..2], db = expected[2..3], free = expected[3..];
        int[] app = webFirst ? [.. web, .. db] : [.. db, .. web];
        int[] order = appFirst ? [.. app, .. free] : [.. free, .. app];

        using var table = new ProcessTable(_tree.PathOf("proc")) { PageSize = 4096 };
        var source = new CgroupPidSource(_tree.PathOf("cg2"), version);
        table.Scan(source, new PidList(), 100_000, 30_000);

        Assert.Equal(order, table.Processes.ToArray().Select(p => p.Pid));
    }

    private static void Oracle(string dir, List<(int, int)> into, ref int group)
    {
        int mine = group++;
        foreach (string line in File.ReadAllText(Path.Combine(dir, "cgroup.procs")).Split('\n'))
        {
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0)
            {
                into.Add((pid, mine));
            }
        }

        foreach (string child in Directory.GetDirectories(dir).OrderBy(Inode))
        {
            Oracle(child, into, ref group);
        }
    }

    private static ulong Inode(string path)
    {
        Assert.Equal(0, FdIo.StatAt(Interop.Libc.AT_FDCWD, System.Text.Encoding.UTF8.GetBytes(path), out Interop.Libc.Statx sx));
        return sx.stx_ino;
    }
}
