// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Cli.Tests;

/// <summary>A --cgroup that is not a usable memory cgroup: exit 2, and a message that says what is wrong with it.</summary>
public sealed class CgroupScopeErrorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pardon-cli-cgroup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Verbs => new() { "rank", "explain" };

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Cgroup_OrdinaryDirectory_SaysItIsNotACgroup(string verb)
    {
        CliResult r = await RunAsync(verb, _root);

        AssertUsage(r, "not a cgroup directory");
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Cgroup_MissingDirectory_SaysSo(string verb)
    {
        CliResult r = await RunAsync(verb, Path.Combine(_root, "absent"));

        AssertUsage(r, "no such directory");
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Cgroup_AFile_SaysItIsNotADirectory(string verb)
    {
        string file = Path.Combine(_root, "memory.max");
        File.WriteAllText(file, "max\n");

        CliResult r = await RunAsync(verb, file);

        AssertUsage(r, "not a directory");
    }

    [Fact]
    public async Task Cgroup_FixtureV1HierarchyWithoutMemory_NamesTheMissingController()
    {
        string dir = Fixture("cpu/group", "cgroup.procs", "cpu.shares", "tasks");

        CliResult r = await RunAsync("rank", dir);

        AssertUsage(r, "without the memory controller");
        Assert.Contains("v1", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cgroup_FixtureV2ChildWithoutMemory_SaysHowToEnableIt()
    {
        string dir = Fixture("unified/child", "cgroup.procs", "cgroup.controllers", "cgroup.type", "cpu.max");

        CliResult r = await RunAsync("rank", dir);

        AssertUsage(r, "without the memory controller");
        Assert.Contains("subtree_control", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cgroup_FixtureV2RootWithMemory_SaysTheRootHasNoLimit()
    {
        string dir = Fixture("unified", "cgroup.procs", "cgroup.controllers", "memory.stat");

        CliResult r = await RunAsync("rank", dir);

        AssertUsage(r, "root of the cgroup v2 hierarchy");
    }

    [PathExistsFact("/sys/fs/cgroup/cpu", "a cgroup v1 cpu hierarchy")]
    public async Task Cgroup_RealV1CpuHierarchy_NamesTheMissingMemoryController()
    {
        CliResult r = await RunAsync("rank", "/sys/fs/cgroup/cpu");

        AssertUsage(r, "without the memory controller");
    }

    [PathExistsFact("/sys/fs/cgroup/unified", "a cgroup v2 mount beside v1 controllers")]
    public async Task Cgroup_RealV2MountWithoutMemory_NamesTheMissingMemoryController()
    {
        // On this project's machines memory is bound to v1, so the v2 mount has no memory controller.
        Assert.DoesNotContain("memory", File.ReadAllText("/sys/fs/cgroup/unified/cgroup.controllers"), StringComparison.Ordinal);

        CliResult r = await RunAsync("explain", "/sys/fs/cgroup/unified");

        AssertUsage(r, "no memory controller");
        Assert.DoesNotContain("parent", r.Stderr, StringComparison.Ordinal);
    }

    private static Task<CliResult> RunAsync(string verb, string cgroup) => verb == "explain"
        ? Cli.RunAsync("explain", "1", "--cgroup", cgroup)
        : Cli.RunAsync(verb, "--cgroup", cgroup);

    private static void AssertUsage(CliResult r, string problem)
    {
        Assert.True(r.ExitCode == (int)ExitCode.Usage, r.ToString());
        Assert.Contains(problem, r.Stderr, StringComparison.Ordinal);
        Assert.Contains("--cgroup", r.Stderr, StringComparison.Ordinal);
        Assert.True(r.Stdout.Length == 0, r.ToString());
    }

    private string Fixture(string relative, params string[] files)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_root, relative)).FullName;
        foreach (string f in files)
        {
            File.WriteAllText(Path.Combine(dir, f), "");
        }

        return dir;
    }
}
