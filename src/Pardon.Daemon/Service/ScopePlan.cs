// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Scopes;
using Pardon.Daemon.Configuration;
using Pardon.Linux.Cgroups;

namespace Pardon.Daemon.Service;

/// <summary>
/// What a daemon watches, from the configuration's `scopes` (after `--cgroup`/`--system`): the system scope
/// or not, and the memory cgroup patterns. Checked at start so a typo is an error, not a daemon watching
/// nothing: a pattern without wildcards must name a memory cgroup now (it may be removed and made again
/// later); a glob must start inside a cgroup file system, though it may match nothing yet.
/// </summary>
public sealed class ScopePlan
{
    private ScopePlan(bool system, IReadOnlyList<CgroupPattern> patterns)
    {
        System = system;
        Patterns = patterns;
    }

    /// <summary>Watch the whole machine.</summary>
    public bool System { get; }

    public IReadOnlyList<CgroupPattern> Patterns { get; }

    /// <summary>Reads and checks the plan. Throws <see cref="ScopeException"/> with a message for the user.</summary>
    public static ScopePlan From(PardonConfig config)
    {
        if (config.Scopes.Count == 0)
        {
            return new ScopePlan(system: true, []);
        }

        bool system = false;
        var patterns = new List<CgroupPattern>();
        foreach (string text in config.Scopes)
        {
            if (text == PardonConfig.SystemScope)
            {
                system = true;
                continue;
            }

            if (!CgroupPattern.TryParse(text, out CgroupPattern pattern, out string error))
            {
                throw new ScopeException($"--cgroup {text}: {error}");
            }

            if (pattern.IsGlob)
            {
                CheckGlobRoot(pattern);
            }
            else
            {
                _ = CgroupDirectory.Open(pattern.Text); // throws with the reason it is not a memory cgroup
            }

            if (!patterns.Any(p => p.Text == pattern.Text))
            {
                patterns.Add(pattern);
            }
        }

        return new ScopePlan(system, patterns);
    }

    /// <summary>The plain part of a glob must lead into a cgroup hierarchy: its deepest existing directory is a cgroup, or holds hierarchies (/sys/fs/cgroup on v1).</summary>
    private static void CheckGlobRoot(CgroupPattern pattern)
    {
        string? dir = pattern.LiteralPrefix;
        while (dir is not null && !Directory.Exists(dir))
        {
            dir = Path.GetDirectoryName(dir);
        }

        if (dir is not null && (File.Exists(Path.Combine(dir, "cgroup.procs")) ||
            Directory.EnumerateDirectories(dir).Any(d => File.Exists(Path.Combine(d, "cgroup.procs")))))
        {
            return;
        }

        throw new ScopeException($"--cgroup {pattern.Text}: {pattern.LiteralPrefix} is not inside a cgroup file system; give a pattern under the memory hierarchy, e.g. /sys/fs/cgroup/memory/docker/* (v1) or /sys/fs/cgroup/system.slice/docker-*.scope (v2)");
    }
}
