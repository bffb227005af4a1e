// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using Pardon.EndToEnd.Tests.Infrastructure;

namespace Pardon.EndToEnd.Tests.Prediction;

/// <summary>
/// Pushes a memory cgroup over its limit the way KernelVictimPredictionTests does: everyone on one CPU and the
/// trigger under SCHED_IDLE, so the victim (woken by SIGKILL) finishes exiting before the trigger charges another
/// page, and the trigger asks for only the room left plus 8 MiB, so one kill makes enough room.
/// </summary>
internal static class OomTrigger
{
    /// <summary>The lowest CPU this process may run on.</summary>
    public static string Cpu()
    {
        long mask = OperatingSystem.IsLinux() ? (long)Process.GetCurrentProcess().ProcessorAffinity : 0;
        return (mask == 0 ? 0 : System.Numerics.BitOperations.TrailingZeroCount(mask)).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The v1/v2 usage of any cgroup directory, in bytes.</summary>
    public static long UsageBytes(string directory) =>
        long.Parse(File.ReadAllText(Path.Combine(directory, File.Exists(Path.Combine(directory, "memory.usage_in_bytes")) ? "memory.usage_in_bytes" : "memory.current")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The oom_kill counter of one cgroup directory (v1 memory.oom_control counts the victim's own memcg).</summary>
    public static long OomKills(string directory)
    {
        string file = Path.Combine(directory, File.Exists(Path.Combine(directory, "memory.oom_control")) ? "memory.oom_control" : "memory.events");
        foreach (string line in File.ReadAllLines(file))
        {
            string[] parts = line.Split(' ');
            if (parts.Length == 2 && parts[0] == "oom_kill")
            {
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>Starts the trigger in <paramref name="directory"/>: the room left under <paramref name="limitBytes"/> of <paramref name="oomingDirectory"/> plus 8 MiB.</summary>
    public static CgroupProcess Start(TestCgroup cgroup, string directory, string oomingDirectory, long limitBytes, string cpu)
    {
        long roomMiB = Math.Max(1, (limitBytes - UsageBytes(oomingDirectory)) >> 20);
        return cgroup.StartIn(directory, Memhog.Path, "--mib", (roomMiB + 8).ToString(CultureInfo.InvariantCulture), "--step-mib", "1", "--cpu", cpu, "--sched-idle");
    }

    /// <summary>Waits until one of <paramref name="watched"/> has exited (the OOM killer struck), or the timeout.</summary>
    public static bool WaitForADeath(IReadOnlyList<CgroupProcess> watched, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (watched.Any(p => p.HasExited))
            {
                return true;
            }

            Thread.Sleep(10);
        }

        return false;
    }

    /// <summary>True while /proc/PID exists and is not a zombie (a process this test did not start itself).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
