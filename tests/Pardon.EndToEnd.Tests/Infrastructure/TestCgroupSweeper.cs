// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The end-to-end collection's fixture. Before the tests it removes test cgroups left behind by earlier
/// runs whose test process is gone (a crashed or killed test host); after them it checks that every test
/// disposed its cgroups, removing and reporting any it finds. Only directories named
/// <c>pardon-e2e-PID-…</c> are touched, and only when PID is dead or this process.
/// </summary>
public sealed class TestCgroupSweeper : IDisposable
{
    public TestCgroupSweeper()
    {
        if (EndToEndPrerequisites.Missing is not null)
        {
            return;
        }

        foreach ((string dir, int ownerPid) in Candidates())
        {
            if (ownerPid != Environment.ProcessId && !Directory.Exists($"/proc/{ownerPid}"))
            {
                Remove(dir);
            }
        }
    }

    public void Dispose()
    {
        if (EndToEndPrerequisites.Missing is not null)
        {
            return;
        }

        List<string> leaked = [];
        foreach ((string dir, int ownerPid) in Candidates())
        {
            if (ownerPid == Environment.ProcessId)
            {
                leaked.Add(dir);
                Remove(dir);
            }
        }

        if (leaked.Count > 0)
        {
            throw new InvalidOperationException("test cgroups were not disposed by their tests (now removed): " + string.Join(", ", leaked));
        }
    }

    private static IEnumerable<(string Dir, int OwnerPid)> Candidates()
    {
        string parent = EndToEndPrerequisites.Require().Directory;
        foreach (string dir in Directory.GetDirectories(parent, TestCgroup.NamePrefix + "*"))
        {
            // pardon-e2e-PID-SEQ
            string[] parts = Path.GetFileName(dir)[TestCgroup.NamePrefix.Length..].Split('-');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                yield return (dir, pid);
            }
        }
    }

    private static void Remove(string dir)
    {
        TestCgroup.KillEverything(dir, TimeSpan.FromSeconds(10));
        TestCgroup.RemoveTree(dir, TimeSpan.FromSeconds(10), out _);
    }
}
