// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>A fact that needs root and setpriv (to run processes as another user): skipped, with the reason, elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!File.ReadAllText("/proc/self/status").Contains("\nUid:\t0\t", StringComparison.Ordinal))
        {
            Skip = "needs root (to run test processes as uid 65534)";
        }
        else if (!File.Exists("/usr/bin/setpriv"))
        {
            Skip = "needs /usr/bin/setpriv (util-linux) to run test processes as another user";
        }
    }
}
