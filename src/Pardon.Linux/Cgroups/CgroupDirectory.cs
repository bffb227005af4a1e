// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Linux.Cgroups;

/// <summary>
/// A memory cgroup directory, v1 or v2, recognised by the files the memory controller puts in it
/// (Documentation/admin-guide/cgroup-v1/memory.rst, cgroup-v2.rst), with its ancestors up to the
/// hierarchy's root. Paths are parameters, so tests point it at fixture trees.
/// </summary>
public sealed class CgroupDirectory
{
    private CgroupDirectory(string path, CgroupVersion version, string[] ancestry, string relativePath)
    {
        Path = path;
        Version = version;
        Ancestry = ancestry;
        RelativePath = relativePath;
    }

    /// <summary>The directory, absolute and without a trailing slash.</summary>
    public string Path { get; }

    public CgroupVersion Version { get; }

    /// <summary>This directory and then each ancestor that is still a memory cgroup, nearest first.</summary>
    public IReadOnlyList<string> Ancestry { get; }

    /// <summary>The path inside the hierarchy, as /proc/PID/cgroup shows it ("/" for the root).</summary>
    public string RelativePath { get; }

    /// <summary>Recognises <paramref name="directory"/> or explains, for the user, why it is not a memory cgroup.</summary>
    public static CgroupDirectory Open(string directory)
    {
        string path = System.IO.Path.GetFullPath(directory).TrimEnd('/');
        if (path.Length == 0)
        {
            path = "/";
        }

        if (!Directory.Exists(path))
        {
            throw new ScopeException(File.Exists(path)
                ? $"--cgroup {directory}: not a directory; give a memory cgroup directory such as /sys/fs/cgroup/memory/mygroup (v1) or /sys/fs/cgroup/mygroup (v2)"
                : $"--cgroup {directory}: no such directory");
        }

        if (!File.Exists(System.IO.Path.Combine(path, "cgroup.procs")))
        {
            throw new ScopeException($"--cgroup {directory}: not a cgroup directory (it has no cgroup.procs)");
        }

        CgroupVersion version;
        if (File.Exists(System.IO.Path.Combine(path, "memory.limit_in_bytes")))
        {
            version = CgroupVersion.V1;
        }
        else if (File.Exists(System.IO.Path.Combine(path, "memory.max")))
        {
            version = CgroupVersion.V2;
        }
        else if (File.Exists(System.IO.Path.Combine(path, "cgroup.controllers")))
        {
            bool isRoot = !File.Exists(System.IO.Path.Combine(path, "cgroup.type")) && !File.Exists(System.IO.Path.Combine(path, "memory.current"));
            throw new ScopeException(isRoot && File.Exists(System.IO.Path.Combine(path, "memory.stat"))
                ? $"--cgroup {directory}: this is the root of the cgroup v2 hierarchy, which has no memory limit; leave out --cgroup to watch the whole system"
                : isRoot
                ? $"--cgroup {directory}: the root of a cgroup v2 hierarchy that has no memory controller (it is mounted as cgroup v1 here, or disabled); use the v1 memory hierarchy, e.g. /sys/fs/cgroup/memory/..."
                : $"--cgroup {directory}: a cgroup v2 directory without the memory controller (enable it with \"+memory\" in the parent's cgroup.subtree_control)");
        }
        else
        {
            throw new ScopeException($"--cgroup {directory}: a cgroup v1 directory of a hierarchy without the memory controller; use the memory hierarchy (e.g. /sys/fs/cgroup/memory/...)");
        }

        var ancestry = new List<string> { path };
        string marker = version == CgroupVersion.V1 ? "memory.limit_in_bytes" : "memory.max";
        string current = path;
        while (true)
        {
            string? parent = System.IO.Path.GetDirectoryName(current);
            if (parent is null || !File.Exists(System.IO.Path.Combine(parent, "cgroup.procs")))
            {
                break;
            }

            // v2's root has no memory.max but is still the hierarchy; v1's root has memory.limit_in_bytes.
            if (File.Exists(System.IO.Path.Combine(parent, marker)))
            {
                ancestry.Add(parent);
            }

            current = parent;
        }

        // current is now the hierarchy's mount point.
        string relative = path.Length > current.Length ? path[current.Length..] : "/";
        return new CgroupDirectory(path, version, ancestry.ToArray(), relative);
    }

    public string FilePath(string name) => System.IO.Path.Combine(Path, name);
}
