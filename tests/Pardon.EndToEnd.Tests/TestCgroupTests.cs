// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests;

/// <summary>The fixture the other end-to-end tests stand on: it must contain, count and clean up.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TestCgroupTests
{
    private const long MiB = 1024 * 1024;
    private readonly ITestOutputHelper _output;

    public TestCgroupTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(TestCgroup.MaxLimitBytes + 1)]
    [InlineData(1024 * MiB)]
    public void Create_LimitOutOfRange_IsRefusedBeforeAnythingIsCreated(long limit)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TestCgroup.Create(limit));
    }

    [MemoryCgroupFact]
    public void Start_ProcessJoinsTheCgroupBeforeItRuns_AndItsMemoryIsChargedThere()
    {
        using var cgroup = TestCgroup.Create(64 * MiB, _output);
        Assert.Equal(64 * MiB, ParseLong(cgroup.ReadControl(cgroup.Version == 1 ? "memory.limit_in_bytes" : "memory.max")));

        CgroupProcess hog = cgroup.StartMemhog(Memhog.Args(16));
        hog.WaitForReady(TimeSpan.FromSeconds(30));

        Assert.Equal([hog.Pid], cgroup.ReadPids());
        string relative = cgroup.Path[EndToEndPrerequisites.Require().Directory.Length..];
        string ownLine = File.ReadAllLines($"/proc/{hog.Pid}/cgroup")
            .Single(l => cgroup.Version == 1 ? l.Split(':')[1].Split(',').Contains("memory") : l.StartsWith("0::", StringComparison.Ordinal));
        Assert.EndsWith(relative, ownLine, StringComparison.Ordinal);

        // 16 MiB touched inside the cgroup are charged to it (the program's own pages come on top).
        long usage = cgroup.ReadUsageBytes();
        Assert.InRange(usage, 16 * MiB, 40 * MiB);
        Assert.Equal(0, cgroup.ReadOomKillCount());
    }

    [MemoryCgroupFact]
    public void Dispose_KillsEveryProcessInTheTree_AndRemovesTheDirectories()
    {
        string path;
        CgroupProcess hog;
        CgroupProcess shell;
        int grandchild;
        using (var cgroup = TestCgroup.Create(64 * MiB, _output))
        {
            path = cgroup.Path;
            string child = cgroup.CreateChild("nested");
            hog = cgroup.StartMemhog(Memhog.Args(4, more: "--ignore-term"));
            hog.WaitForReady(TimeSpan.FromSeconds(30));

            // A process the test did not start directly: the shell's background child.
            shell = cgroup.Start("/bin/sh", "-c", "sleep 600 & echo child $!; wait");
            grandchild = int.Parse(shell.WaitForLine("child ", TimeSpan.FromSeconds(10))["child ".Length..], CultureInfo.InvariantCulture);
            Assert.Contains(grandchild, cgroup.ReadPids());

            // And one in a nested cgroup, moved there by pid.
            File.WriteAllText(Path.Combine(child, "cgroup.procs"), grandchild.ToString(CultureInfo.InvariantCulture));
            Assert.Contains(grandchild, cgroup.ReadPids());
        }

        Assert.False(Directory.Exists(path), path + " is still there");
        Assert.True(hog.KilledBySigkill, hog.Describe());
        Assert.True(shell.KilledBySigkill, shell.Describe());
        Assert.False(IsAlive(grandchild), $"grandchild {grandchild} survived");
    }

    [MemoryCgroupFact]
    public void ReadOomKillCount_CountsTheKernelsKill_AndTheVictimDiedBySigkill()
    {
        using var cgroup = TestCgroup.Create(32 * MiB, _output);
        CgroupProcess hog = cgroup.StartMemhog(Memhog.Args(64));

        Assert.True(hog.WaitForExit(TimeSpan.FromSeconds(30)), hog.Describe());
        Assert.True(hog.KilledBySigkill, hog.Describe() + "\n" + KernelLog.Tail());
        Assert.Equal(1, cgroup.ReadOomKillCount());
    }

    [MemoryCgroupFact]
    public void SetLimit_AboveTheCeiling_IsRefused()
    {
        using var cgroup = TestCgroup.Create(16 * MiB, _output);
        Assert.Throws<ArgumentOutOfRangeException>(() => cgroup.SetLimit(TestCgroup.MaxLimitBytes + 4096));
        cgroup.SetLimit(32 * MiB);
        Assert.Equal(32 * MiB, ParseLong(cgroup.ReadControl(cgroup.Version == 1 ? "memory.limit_in_bytes" : "memory.max")));
    }

    private static long ParseLong(string text) => long.Parse(text.Trim(), CultureInfo.InvariantCulture);

    private static bool IsAlive(int pid)
    {
        try
        {
            // A zombie is dead for our purpose; an exited and reaped process has no stat at all.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
