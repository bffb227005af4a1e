// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Daemon.Reports;

namespace Pardon.Cli.Commands;

/// <summary>Where a process runs, in a few characters for the tables of `rank` and `top`.</summary>
internal static class PlacementText
{
    /// <summary>"BestEffort 0123456789ab" (a pod's container), "docker 0123456789ab", "pod 0a1b2c3d BestEffort", "nginx.service", or "".</summary>
    public static string Short(ProcessReport p)
    {
        if (p.Container is { } container)
        {
            return (p.Qos ?? p.Runtime ?? "container") + " " + container;
        }

        if (p.Pod is { } pod)
        {
            return "pod " + pod[..Math.Min(8, pod.Length)] + (p.Qos is { } q ? " " + q : "");
        }

        return p.Qos ?? p.SystemdUnit ?? "";
    }

    /// <summary>True when some process runs in a container or a pod: the tables then show where each one runs.</summary>
    public static bool AnyContainer(RankReport report) => report.Processes.Exists(p => p.Container is not null || p.Pod is not null);
}
