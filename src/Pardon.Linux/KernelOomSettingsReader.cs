// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Cgroups;
using Pardon.Linux.Procfs;

namespace Pardon.Linux;

/// <summary>
/// Reads what changes the kernel's OOM decision beyond badness: the vm sysctls (kernel/sysctl: panic_on_oom,
/// oom_kill_allocating_task), the OOMing memcg's cgroup v1 memory.oom_control (oom_kill_disable, under_oom,
/// oom_kill) or v2 memory.events, the pid namespace, and the rss counter choice. For rank, explain and status.
/// </summary>
public static class KernelOomSettingsReader
{
    public static KernelOomSettings Read(OomScope scope, string procRoot = "/proc")
    {
        bool? disable = null, underOom = null;
        long? kills = null;
        if (scope.Kind == ScopeKind.Cgroup && scope.OomingCgroup is string ooming)
        {
            if (scope.CgroupVersion == CgroupVersion.V1 && ReadKeyed(Path.Combine(ooming, "memory.oom_control")) is { } control)
            {
                disable = control.TryGetValue("oom_kill_disable", out long d) ? d != 0 : null;
                underOom = control.TryGetValue("under_oom", out long u) ? u != 0 : null;
                kills = control.TryGetValue("oom_kill", out long k) ? k : null;
            }
            else if (ReadKeyed(Path.Combine(ooming, "memory.events")) is { } events)
            {
                kills = events.TryGetValue("oom_kill", out long k) ? k : null;
            }
        }
        else if (ReadKeyed(Path.Combine(procRoot, "vmstat")) is { } vmstat)
        {
            kills = vmstat.TryGetValue("oom_kill", out long k) ? k : null;
        }

        bool real = procRoot == "/proc";
        (RssCounter counter, string basis) = real ? KernelRssCounterProbe.Current : KernelRssCounterProbe.Detect(procRoot);
        return new KernelOomSettings
        {
            PanicOnOom = CgroupOomScope.TryReadValue(Path.Combine(procRoot, "sys/vm/panic_on_oom"), out long panic) ? (int)panic : null,
            OomKillAllocatingTask = CgroupOomScope.TryReadValue(Path.Combine(procRoot, "sys/vm/oom_kill_allocating_task"), out long alloc) ? alloc != 0 : null,
            OomKillDisable = disable,
            UnderOom = underOom,
            OomKills = kills,
            PidNamespace = PidNamespaces.Detect(procRoot),
            RssCounter = counter,
            RssCounterBasis = basis,
        };
    }

    private static Dictionary<string, long>? ReadKeyed(string path)
    {
        try
        {
            var result = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (string line in File.ReadLines(path))
            {
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && long.TryParse(parts[1], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long v))
                {
                    result[parts[0]] = v;
                }
            }

            return result;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
