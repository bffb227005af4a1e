// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The memory cgroup the test process itself runs in, where test cgroups are created as children.
/// cgroup v1: the path on the "memory" line of /proc/self/cgroup, under the memory hierarchy's mount.
/// cgroup v2: the path on the "0::" line, under the cgroup2 mount; the memory controller must be enabled
/// for its children (memory in its cgroup.subtree_control), which only its owner can arrange.
/// </summary>
public sealed class OwnMemoryCgroup
{
    private OwnMemoryCgroup(string directory, int version)
    {
        Directory = directory;
        Version = version;
    }

    /// <summary>The absolute directory of the test process's own memory cgroup.</summary>
    public string Directory { get; }

    /// <summary>1 or 2.</summary>
    public int Version { get; }

    /// <summary>Finds the test process's memory cgroup, or says why there is none usable.</summary>
    public static OwnMemoryCgroup? TryFind(out string reason) => TryFind("/proc/self/cgroup", "/proc/self/mountinfo", out reason);

    /// <summary>The same, from given files (for tests of this class).</summary>
    public static OwnMemoryCgroup? TryFind(string cgroupFile, string mountInfoFile, out string reason)
    {
        string[] cgroupLines;
        string[] mountLines;
        try
        {
            cgroupLines = File.ReadAllLines(cgroupFile);
            mountLines = File.ReadAllLines(mountInfoFile);
        }
        catch (IOException ex)
        {
            reason = $"cannot read {cgroupFile} or {mountInfoFile}: {ex.Message}";
            return null;
        }

        string? v1Path = null;
        string? v2Path = null;
        foreach (string line in cgroupLines)
        {
            // hierarchy-ID:controller-list:cgroup-path (cgroups(7)); the path may itself contain ':'.
            string[] parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            if (parts[0] == "0" && parts[1].Length == 0)
            {
                v2Path = parts[2];
            }
            else if (parts[1].Split(',').Contains("memory"))
            {
                v1Path = parts[2];
            }
        }

        if (v1Path is not null)
        {
            if (FindMount(mountLines, "cgroup", "memory") is not (string root, string mountPoint))
            {
                reason = "/proc/self/cgroup names a cgroup v1 memory hierarchy, but it is not mounted in this mount namespace";
                return null;
            }

            string dir = Under(mountPoint, root, v1Path);
            if (!File.Exists(Path.Combine(dir, "memory.limit_in_bytes")))
            {
                reason = $"the test's memory cgroup {dir} is not there or has no memory.limit_in_bytes";
                return null;
            }

            reason = "";
            return new OwnMemoryCgroup(dir, 1);
        }

        if (v2Path is not null)
        {
            if (FindMount(mountLines, "cgroup2", null) is not (string root, string mountPoint))
            {
                reason = "no memory controller on cgroup v1, and no cgroup2 filesystem mounted";
                return null;
            }

            string dir = Under(mountPoint, root, v2Path);
            string controllers = ReadOrEmpty(Path.Combine(dir, "cgroup.controllers"));
            if (!controllers.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Contains("memory"))
            {
                reason = $"the memory controller is not available in the test's cgroup {dir} (cgroup.controllers: \"{controllers.Trim()}\")";
                return null;
            }

            string subtree = ReadOrEmpty(Path.Combine(dir, "cgroup.subtree_control"));
            if (!subtree.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Contains("memory"))
            {
                reason = $"the test's cgroup {dir} does not enable the memory controller for its children " +
                    "(\"memory\" missing from its cgroup.subtree_control; cgroup v2 allows that only in the root or in a cgroup whose own processes live in child cgroups)";
                return null;
            }

            reason = "";
            return new OwnMemoryCgroup(dir, 2);
        }

        reason = "the test process is in no memory cgroup (no memory line and no 0:: line in /proc/self/cgroup)";
        return null;
    }

    /// <summary>(root, mount point) of the first mount of <paramref name="fsType"/> carrying <paramref name="superOption"/>.</summary>
    private static (string Root, string MountPoint)? FindMount(string[] mountLines, string fsType, string? superOption)
    {
        foreach (string line in mountLines)
        {
            // (1) id (2) parent (3) major:minor (4) root (5) mount point (6) options [optional fields...] - (7) type (8) source (9) super options
            string[] fields = line.Split(' ');
            int dash = Array.IndexOf(fields, "-");
            if (dash < 6 || dash + 3 >= fields.Length || fields[dash + 1] != fsType)
            {
                continue;
            }

            if (superOption is not null && !fields[dash + 3].Split(',').Contains(superOption))
            {
                continue;
            }

            return (Unescape(fields[3]), Unescape(fields[4]));
        }

        return null;
    }

    /// <summary>The directory of cgroup <paramref name="cgroupPath"/> under a mount whose root is <paramref name="root"/>.</summary>
    private static string Under(string mountPoint, string root, string cgroupPath)
    {
        string relative = cgroupPath;
        if (root != "/" && (relative == root || relative.StartsWith(root + "/", StringComparison.Ordinal)))
        {
            relative = relative[root.Length..];
        }

        return (mountPoint.TrimEnd('/') + "/" + relative.TrimStart('/')).TrimEnd('/');
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo octal.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var sb = new System.Text.StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(field[i]);
            }
        }

        return sb.ToString();
    }

    private static bool IsOctal(string s, int start)
    {
        if (start + 3 > s.Length)
        {
            return false;
        }

        for (int i = start; i < start + 3; i++)
        {
            if (s[i] is < '0' or > '7')
            {
                return false;
            }
        }

        return true;
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
