// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using Pardon.Core;
using Pardon.EndToEnd.Tests.Infrastructure;
using Pardon.Linux.Cgroups;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Containers;

/// <summary>
/// cgroup.kill on the real kernel: this machine's cgroup v2 hierarchy has no memory controller, but
/// cgroup.kill is a core file of every non-root v2 cgroup (Linux 5.14). A shell and the children it forks
/// into the cgroup and a sub-cgroup all die of one write, as a container killed whole by the daemon would
/// on a v2 host. Takes well under a second.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CgroupKillTests
{
    private readonly ITestOutputHelper _output;

    public CgroupKillTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public void Kill_V2Cgroup_EveryProcessOfTheSubtreeDies()
    {
        (string mount, string own) = OwnV2Cgroup();
        string relative = (own == "/" ? "" : own) + "/" + TestCgroup.NamePrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-kill";
        string dir = mount + relative;
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        var shells = new List<Process>();
        try
        {
            // Each shell joins its cgroup, then forks two sleeps there and waits.
            foreach (string target in new[] { dir, Path.Combine(dir, "sub") })
            {
                var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
                psi.ArgumentList.Add("-c");
                psi.ArgumentList.Add("echo $$ > \"$1\" || exit 1; sleep 60 & sleep 60 & wait");
                psi.ArgumentList.Add("sh");
                psi.ArgumentList.Add(Path.Combine(target, "cgroup.procs"));
                shells.Add(Process.Start(psi)!);
            }

            var hierarchy = new CgroupHierarchy(mount, CgroupVersion.V2);
            var clock = Stopwatch.StartNew();
            while (hierarchy.ReadMembers(relative)!.Count < 6 && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(10);
            }

            List<int> members = hierarchy.ReadMembers(relative)!;
            _output.WriteLine($"{dir}: {string.Join(", ", members)}");
            Assert.True(members.Count == 6, $"expected 2 shells and 4 sleeps in {dir}, found {members.Count}");

            Assert.Equal(0, hierarchy.Kill(relative));

            clock.Restart();
            while (hierarchy.ReadMembers(relative)!.Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                Thread.Sleep(5);
            }

            Assert.Empty(hierarchy.ReadMembers(relative)!);
            foreach (Process shell in shells)
            {
                Assert.True(shell.WaitForExit(5000));
                Assert.Equal(128 + 9, shell.ExitCode);
            }

            _output.WriteLine($"all 6 gone {clock.ElapsedMilliseconds} ms after the write");
        }
        finally
        {
            foreach (Process shell in shells)
            {
                if (!shell.HasExited)
                {
                    shell.Kill(entireProcessTree: true);
                }

                shell.Dispose();
            }

            TestCgroup.KillEverything(dir, TimeSpan.FromSeconds(5));
            TestCgroup.RemoveTree(dir, TimeSpan.FromSeconds(5), out _);
        }
    }

    /// <summary>A cgroup2 mount of the hierarchy's root, and this process's path in it ("0::/path" in /proc/self/cgroup).</summary>
    private static (string Mount, string Own) OwnV2Cgroup()
    {
        string? mount = File.ReadLines("/proc/self/mountinfo")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 9 && f[3] == "/" && f[Array.IndexOf(f, "-") + 1] == "cgroup2")
            .Select(f => f[4])
            .FirstOrDefault();
        string? own = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
        Assert.True(mount is not null && own is not null, "no cgroup v2 hierarchy is mounted here (cgroup.kill needs one)");
        return (mount, own);
    }
}
