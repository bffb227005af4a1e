// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon.Configuration;

namespace Pardon.Daemon.Service;

/// <summary>
/// The start-up check of the levels against the scope's size: a level that does not fit (at or above the
/// scope's memory, a kill level above its terminate level once a percentage and a size are compared) is a
/// usage error naming the flag or key that set it and the scope's size, before anything is watched — a typo
/// such as `--term-below 30GiB` on a 24 GiB machine would otherwise make every reading a shortage.
/// </summary>
public static class LevelCheck
{
    /// <summary>Throws <see cref="ConfigException"/> (exit 2, one line) when <paramref name="thresholds"/> do not fit <paramref name="sample"/>'s scope.</summary>
    /// <param name="scope">The scope in words, possessive: "the system's", "cgroup /sys/fs/cgroup/memory/app's".</param>
    /// <param name="configSource">Where the configuration came from, named when a key (not a flag) set the level.</param>
    public static void RefuseIfUnfit(Thresholds thresholds, in MemorySample sample, string scope, DaemonOptions options, string configSource)
    {
        LevelProblems problems = thresholds.Check(sample.TotalKiB, sample.SwapTotalKiB);
        if (problems == LevelProblems.None)
        {
            return;
        }

        string NameOf(ThresholdLevel level) => level switch
        {
            ThresholdLevel.Term when options.TermBelow is not null => "--term-below",
            ThresholdLevel.Kill when options.KillBelow is not null => "--kill-below",
            _ => Thresholds.KeyOf(level),
        };

        string message = thresholds.Describe(problems, sample.TotalKiB, sample.SwapTotalKiB, scope, NameOf);

        // The first problem's level decides whether the file is named: a flag speaks for itself.
        bool fromFlag = (problems & LevelProblems.Memory) != 0 && message.StartsWith("--", StringComparison.Ordinal);
        throw new ConfigException(fromFlag ? message : $"{configSource}: {message}");
    }
}
