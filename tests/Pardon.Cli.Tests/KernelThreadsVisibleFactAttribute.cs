// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Cli.Tests;

/// <summary>A fact that needs kernel threads in /proc (pid 2 is kthreadd in the initial pid namespace, not in a container).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class KernelThreadsVisibleFactAttribute : FactAttribute
{
    public KernelThreadsVisibleFactAttribute()
    {
        if (!IsKernelThread(2))
        {
            Skip = "pid 2 is not a kernel thread here (a pid namespace without kernel threads)";
        }
    }

    public static bool IsKernelThread(int pid)
    {
        try
        {
            // (9) flags of /proc/PID/stat: PF_KTHREAD.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (uint.Parse(fields[9 - 3], System.Globalization.CultureInfo.InvariantCulture) & 0x00200000) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
