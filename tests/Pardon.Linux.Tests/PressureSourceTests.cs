// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Stall;
using Pardon.Linux.Cgroups;
using Pardon.Linux.Pressure;

namespace Pardon.Linux.Tests;

/// <summary>Where a scope's stall is read from: /proc/pressure/memory, a v2 memory.pressure, or a v1 cgroup's v2 twin.</summary>
public sealed class PressureSourceTests
{
    private const string Psi = "some avg10=1.50 avg60=0.75 avg300=0.10 total=4500000\nfull avg10=1.25 avg60=0.50 avg300=0.05 total=3000000\n";

    private static CgroupDirectory V1Group(TempTree tree, string relative)
    {
        tree.Write("v1/memory/cgroup.procs", "");
        tree.Write("v1/memory/memory.limit_in_bytes", "9223372036854771712\n");
        string path = "v1/memory";
        foreach (string part in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path += "/" + part;
            tree.Write(path + "/cgroup.procs", "");
            tree.Write(path + "/memory.limit_in_bytes", "268435456\n");
        }

        return CgroupDirectory.Open(tree.PathOf(path));
    }

    private static CgroupDirectory V2Group(TempTree tree)
    {
        tree.Write("v2/cgroup.procs", "");
        tree.Write("v2/cgroup.controllers", "memory");
        tree.Write("v2/a/cgroup.procs", "");
        tree.Write("v2/a/memory.max", "max\n");
        return CgroupDirectory.Open(tree.PathOf("v2/a"));
    }

    private static string HybridMounts(TempTree tree, string v2Root = "/") =>
        $"30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n" +
        $"33 30 0:30 / {tree.PathOf("v1/cpuset")} rw,relatime - cgroup cgroup rw,cpuset\n" +
        $"34 30 0:31 / {tree.PathOf("v1/memory")} rw,relatime shared:9 - cgroup cgroup rw,memory\n" +
        $"40 30 0:37 {v2Root} {tree.PathOf("unified")} rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n";

    [Fact]
    public void The_system_reads_proc_pressure_memory()
    {
        using var tree = new TempTree();
        tree.Write("proc/pressure/memory", Psi);
        PressureSource? source = PressureSource.Resolve(null, out string problem, tree.PathOf("proc"));
        Assert.NotNull(source);
        Assert.Equal(tree.PathOf("proc/pressure/memory"), source.Path);
        Assert.Equal("", problem);
    }

    [Fact]
    public void A_kernel_without_psi_is_named()
    {
        using var tree = new TempTree();
        tree.CreateDirectory("proc");
        Assert.Null(PressureSource.Resolve(null, out string problem, tree.PathOf("proc")));
        Assert.Contains("this kernel has no PSI", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_v2_cgroup_reads_its_own_memory_pressure()
    {
        using var tree = new TempTree();
        CgroupDirectory group = V2Group(tree);
        string dir = group.Path;
        tree.Write("v2/a/memory.pressure", Psi);
        PressureSource? source = PressureSource.Resolve(CgroupDirectory.Open(dir), out _);
        Assert.Equal(Path.Combine(dir, "memory.pressure"), source?.Path);

        File.Delete(Path.Combine(dir, "memory.pressure"));
        Assert.Null(PressureSource.Resolve(CgroupDirectory.Open(dir), out string problem));
        Assert.Contains("memory.pressure does not exist", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_v1_cgroup_reads_its_v2_twin_at_the_same_path()
    {
        using var tree = new TempTree();
        CgroupDirectory v1 = V1Group(tree, "process_api/abc/test");
        tree.Write("unified/process_api/abc/test/memory.pressure", Psi);
        tree.Write("self/mountinfo", HybridMounts(tree));

        PressureSource? source = PressureSource.Resolve(v1, out string problem, tree.Root, tree.PathOf("self/mountinfo"));
        Assert.Equal(tree.PathOf("unified/process_api/abc/test/memory.pressure"), source?.Path);
        Assert.Contains("v2 twin", source!.Description, StringComparison.Ordinal);
        Assert.Equal("", problem);
    }

    [Fact]
    public void A_v1_cgroup_inside_a_cgroup_namespace_maps_through_the_mount_roots()
    {
        // The v1 memory hierarchy is mounted from /process_api/abc (the namespace's root) and the v2 one from
        // /ns: the twin of hierarchy path /process_api/abc/test is not visible there, but /ns/x would be.
        using var tree = new TempTree();
        tree.Write("v1/memory/cgroup.procs", "");
        tree.Write("v1/memory/memory.limit_in_bytes", "9223372036854771712\n");
        tree.Write("v1/memory/test/cgroup.procs", "");
        tree.Write("v1/memory/test/memory.limit_in_bytes", "268435456\n");
        CgroupDirectory v1 = CgroupDirectory.Open(tree.PathOf("v1/memory/test"));
        tree.Write("mountinfo",
            $"34 30 0:31 /process_api/abc {tree.PathOf("v1/memory")} rw - cgroup cgroup rw,memory\n" +
            $"40 30 0:37 /process_api {tree.PathOf("unified")} rw - cgroup2 cgroup2 rw\n");
        tree.Write("unified/abc/test/memory.pressure", Psi);

        PressureSource? source = PressureSource.Resolve(v1, out _, tree.Root, tree.PathOf("mountinfo"));
        Assert.Equal(tree.PathOf("unified/abc/test/memory.pressure"), source?.Path);

        tree.Write("mountinfo",
            $"34 30 0:31 /process_api/abc {tree.PathOf("v1/memory")} rw - cgroup cgroup rw,memory\n" +
            $"40 30 0:37 /other {tree.PathOf("unified")} rw - cgroup2 cgroup2 rw\n");
        Assert.Null(PressureSource.Resolve(v1, out string problem, tree.Root, tree.PathOf("mountinfo")));
        Assert.Contains("no cgroup v2 mount shows its path", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_v1_cgroup_without_a_twin_says_how_to_make_one()
    {
        using var tree = new TempTree();
        CgroupDirectory v1 = V1Group(tree, "process_api/abc/test");
        tree.CreateDirectory("unified");
        tree.Write("self/mountinfo", HybridMounts(tree));
        Assert.Null(PressureSource.Resolve(v1, out string problem, tree.Root, tree.PathOf("self/mountinfo")));
        Assert.Equal(
            $"{v1.Path} is a cgroup v1 memory cgroup, which has no PSI, and its v2 twin {tree.PathOf("unified/process_api/abc/test")} does not exist " +
            "(create it and put the same processes in it, as systemd does on hybrid hosts)", problem);
    }

    [Fact]
    public void A_v1_cgroup_without_any_v2_mount_is_named()
    {
        using var tree = new TempTree();
        CgroupDirectory v1 = V1Group(tree, "a");
        tree.Write("self/mountinfo", $"34 30 0:31 / {tree.PathOf("v1/memory")} rw,relatime - cgroup cgroup rw,memory\n");
        Assert.Null(PressureSource.Resolve(v1, out string problem, tree.Root, tree.PathOf("self/mountinfo")));
        Assert.Contains("no cgroup v2 mount shows its path", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Mountinfo_escapes_and_optional_fields_are_understood()
    {
        MountInfo info = MountInfo.Parse(
            "34 30 0:31 / /sys/fs/cgroup/mem\\040ory rw,relatime shared:9 master:2 - cgroup cgroup rw,memory\n" +
            "35 30 0:32 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu,cpuacct\n" +
            "40 30 0:37 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n" +
            "41 30 0:38 / /proc rw - proc proc rw\n" +
            "garbage\n" +
            "1 2 3 4\n");
        Assert.Equal(3, info.Mounts.Count);
        MountInfo.Mount? memory = info.V1MountOf("/sys/fs/cgroup/mem ory/a/b", "memory");
        Assert.NotNull(memory);
        Assert.Equal("/sys/fs/cgroup/mem ory", memory.MountPoint);
        Assert.Equal("/a/b", memory.HierarchyPath("/sys/fs/cgroup/mem ory/a/b"));
        Assert.Equal("/", memory.HierarchyPath("/sys/fs/cgroup/mem ory"));
        Assert.Null(info.V1MountOf("/sys/fs/cgroup/cpu/a", "memory"));
        Assert.Equal("/sys/fs/cgroup/unified/a/b", info.V2Mounts().Single().DirectoryOf("/a/b"));
    }

    [Fact]
    public void A_pressure_file_reads_totals_and_averages()
    {
        using var tree = new TempTree();
        string path = tree.Write("memory.pressure", Psi);
        using PressureFile? file = PressureFile.TryOpen(path, out string error);
        Assert.NotNull(file);
        Assert.True(file.TryRead(out PressureSample s), error);
        Assert.Equal(3_000_000, s.TotalUs(StallKind.Full));
        Assert.Equal(4_500_000, s.TotalUs(StallKind.Some));
        Assert.Equal(1.25, s.Avg10(StallKind.Full));
        Assert.Equal(0.75, s.Avg60(StallKind.Some));

        // Changed in place, as the kernel's file changes: the same descriptor reads the new text.
        tree.Write("memory.pressure", Psi.Replace("total=3000000", "total=3500000", StringComparison.Ordinal));
        Assert.True(file.TryRead(out s));
        Assert.Equal(3_500_000, s.FullTotalUs);
    }

    [Fact]
    public void A_pressure_file_that_is_not_one_is_refused()
    {
        using var tree = new TempTree();
        Assert.Null(PressureFile.TryOpen(tree.Write("memory.pressure", "hello\n"), out string error));
        Assert.Contains("not a PSI file", error, StringComparison.Ordinal);
        Assert.Null(PressureFile.TryOpen(tree.PathOf("missing"), out error));
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_live_system_pressure_file_reads_and_takes_a_trigger()
    {
        // This kernel has PSI (tests run on 6.x); root here lacks CAP_SYS_RESOURCE, so the trigger falls back
        // to the 2 s window. Either way the kernel accepted what StallWakeTrigger asked for.
        PressureSource? source = PressureSource.Resolve(null, out string problem);
        Assert.True(source is not null, problem);
        using PressureFile? file = PressureFile.TryOpen(source.Path, out string error);
        Assert.True(file is not null, error);
        Assert.True(file.TryRead(out PressureSample s));
        Assert.True(s.HasFull);
        Assert.True(s.SomeTotalUs >= s.FullTotalUs);

        using StallTrigger? trigger = StallTrigger.TryCreate(source.Path, StallSettings.Default, out error);
        Assert.True(trigger is not null, error);
        Assert.Contains(trigger.Spec.WindowUs, new long[] { 1_000_000, 2_000_000 });
        using StallTrigger? unprivileged = StallTrigger.TryCreate(source.Path, StallSettings.Default with { AbovePercent = 40 }, out error, privileged: false);
        Assert.Equal("full 200000 2000000", unprivileged?.Spec.ToString());
    }

    [Theory]
    [InlineData(true, "total_pgmajfault 900\ntotal_workingset_refault_anon 700\ntotal_workingset_refault_file 50\npgmajfault 10\n", 900, 700, 50)]
    [InlineData(false, "anon 1\npgmajfault 900\nworkingset_refault_anon 700\nworkingset_refault_file 50\n", 900, 700, 50)]
    [InlineData(false, "pgmajfault 900\nworkingset_refault 750\n", 900, -1, -1)] // before 5.9: one refault counter
    public void Scope_faults_read_the_hierarchical_counters(bool v1, string stat, long major, long anon, long file)
    {
        using var tree = new TempTree();
        CgroupDirectory group;
        if (v1)
        {
            group = V1Group(tree, "a");
        }
        else
        {
            group = V2Group(tree);
        }

        File.WriteAllText(group.FilePath("memory.stat"), stat);
        using ScopeFaultsReader? reader = ScopeFaultsReader.TryOpen(group);
        Assert.NotNull(reader);
        Assert.True(reader.TryRead(1234, out ScopeFaults faults));
        Assert.Equal(new ScopeFaults(1234, major, anon, file), faults);
    }

    [Fact]
    public void System_faults_come_from_vmstat()
    {
        using var tree = new TempTree();
        tree.Write("proc/vmstat", "nr_free_pages 1\nworkingset_refault_anon 5\nworkingset_refault_file 6\npgmajfault 7\n");
        using ScopeFaultsReader? reader = ScopeFaultsReader.TryOpen(null, tree.PathOf("proc"));
        Assert.True(reader!.TryRead(1, out ScopeFaults faults));
        Assert.Equal(new ScopeFaults(1, 7, 5, 6), faults);
    }
}
