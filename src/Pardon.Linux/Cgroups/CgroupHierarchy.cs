// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Core;
using Pardon.Core.Containers;
using Pardon.Linux.Io;

namespace Pardon.Linux.Cgroups;

/// <summary>
/// The memory controller's hierarchy: where it is mounted and its version, and the few files Pardon reads
/// or writes there by a cgroup's path as /proc/PID/cgroup shows it — cgroup.procs (fresh membership at
/// kill time), memory.oom.group (v2) and cgroup.kill (v2, Linux 5.14+). Mount points and paths are
/// parameters, so tests point it at fixture trees.
/// </summary>
public sealed class CgroupHierarchy
{
    public CgroupHierarchy(string mountPoint, CgroupVersion version)
    {
        MountPoint = mountPoint.Length > 1 ? mountPoint.TrimEnd('/') : mountPoint;
        Version = version;
    }

    /// <summary>Where the hierarchy's root is mounted ("/sys/fs/cgroup/memory", "/sys/fs/cgroup").</summary>
    public string MountPoint { get; }

    public CgroupVersion Version { get; }

    /// <summary>The hierarchy a scope's directory belongs to: its path minus the path inside the hierarchy.</summary>
    public static CgroupHierarchy Of(CgroupDirectory directory)
    {
        string mount = directory.RelativePath == "/" ? directory.Path : directory.Path[..^directory.RelativePath.Length];
        return new CgroupHierarchy(mount.Length == 0 ? "/" : mount, directory.Version);
    }

    /// <summary>
    /// Finds the memory controller's hierarchy in <paramref name="mountInfo"/> (proc_pid_mountinfo(5)): a
    /// cgroup v1 mount with the "memory" option, else a cgroup2 mount whose root lists "memory" in
    /// cgroup.controllers. Only mounts of the hierarchy's root count (field 4 is "/"): one seen from
    /// another cgroup namespace cannot map the paths processes show, nor can a mount covered by a later
    /// one on the same mount point (a container's own cgroupfs under the host's, bind-mounted over it).
    /// Null when there is none.
    /// </summary>
    public static CgroupHierarchy? LocateMemory(string mountInfo = "/proc/self/mountinfo")
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(mountInfo);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // A later mount on the same mount point covers an earlier one: only the last one counts.
        var byMountPoint = new Dictionary<string, (string Root, string Type, string Options)>();
        var order = new List<string>();
        foreach (string line in lines)
        {
            string[] fields = line.Split(' ');
            int dash = Array.IndexOf(fields, "-");
            if (dash < 6 || fields.Length < dash + 4)
            {
                continue;
            }

            string mountPoint = Unescape(fields[4]);
            if (!byMountPoint.ContainsKey(mountPoint))
            {
                order.Add(mountPoint);
            }

            byMountPoint[mountPoint] = (fields[3], fields[dash + 1], fields[dash + 3]);
        }

        CgroupHierarchy? v2 = null;
        foreach (string mountPoint in order)
        {
            (string root, string type, string options) = byMountPoint[mountPoint];
            if (root != "/")
            {
                continue;
            }

            if (type == "cgroup" && options.Split(',').Contains("memory"))
            {
                return new CgroupHierarchy(mountPoint, CgroupVersion.V1);
            }

            if (type == "cgroup2" && v2 is null && ListsMemory(Path.Combine(mountPoint, "cgroup.controllers")))
            {
                v2 = new CgroupHierarchy(mountPoint, CgroupVersion.V2);
            }
        }

        return v2;
    }

    /// <summary>The directory of <paramref name="cgroup"/> ("/a/b"), or null for a path this mount cannot reach ("/../x", from another cgroup namespace).</summary>
    public string? DirectoryOf(string? cgroup)
    {
        if (cgroup is null || !cgroup.StartsWith('/') || cgroup == "/.." || cgroup.StartsWith("/../", StringComparison.Ordinal))
        {
            return null;
        }

        return cgroup == "/" ? MountPoint : MountPoint + cgroup.TrimEnd('/');
    }

    /// <summary>The cgroup path of <paramref name="directory"/> inside this hierarchy, or null when it lies elsewhere.</summary>
    public string? PathOf(string directory)
    {
        string d = directory.Length > 1 ? directory.TrimEnd('/') : directory;
        if (d == MountPoint)
        {
            return "/";
        }

        string prefix = MountPoint == "/" ? "" : MountPoint;
        return d.StartsWith(prefix + "/", StringComparison.Ordinal) ? d[prefix.Length..] : null;
    }

    /// <summary>memory.oom.group of a v2 cgroup reads 1. False on v1, for the root, and when unreadable.</summary>
    public bool IsOomGroup(string cgroup)
    {
        if (Version != CgroupVersion.V2 || DirectoryOf(cgroup) is not { } dir || cgroup == "/")
        {
            return false;
        }

        try
        {
            return File.ReadAllText(Path.Combine(dir, "memory.oom.group")).Trim() == "1";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Every process in <paramref name="cgroup"/> and its descendants, read now from their cgroup.procs
    /// (parents first). Directories removed meanwhile are skipped; null when the cgroup itself is unreachable.
    /// </summary>
    public List<int>? ReadMembers(string cgroup)
    {
        if (DirectoryOf(cgroup) is not { } root || !Directory.Exists(root))
        {
            return null;
        }

        var pids = new List<int>();
        var pending = new List<string> { root };
        for (int i = 0; i < pending.Count; i++)
        {
            try
            {
                foreach (string line in File.ReadLines(Path.Combine(pending[i], "cgroup.procs")))
                {
                    if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0)
                    {
                        pids.Add(pid);
                    }
                }

                pending.AddRange(Directory.EnumerateDirectories(pending[i]));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (i == 0)
                {
                    return null; // the cgroup went away
                }
            }
        }

        return pids;
    }

    /// <summary>
    /// SIGKILLs every process of a v2 cgroup and its descendants at once, forks in flight included, by
    /// writing "1" to its cgroup.kill (kernel/cgroup/cgroup.c cgroup_kill_write(), Linux 5.14). Returns 0,
    /// or the errno: EOPNOTSUPP on v1, ENOENT where the kernel is older, EACCES without write access.
    /// </summary>
    public int Kill(string cgroup)
    {
        const int EOPNOTSUPP = 95;
        const int ENOENT = 2;
        if (Version != CgroupVersion.V2)
        {
            return EOPNOTSUPP;
        }

        if (DirectoryOf(cgroup) is not { } dir)
        {
            return ENOENT;
        }

        int fd = FdIo.Open(Path.Combine(dir, "cgroup.kill"), Interop.Libc.O_WRONLY | Interop.Libc.O_CLOEXEC);
        if (fd < 0)
        {
            return -fd;
        }

        try
        {
            return -FdIo.Write(fd, "1"u8);
        }
        finally
        {
            Interop.Libc.Close(fd);
        }
    }

    /// <summary>The kill set the kernel would use with a victim in <paramref name="victimCgroup"/> (see <see cref="OomGroup"/>).</summary>
    public string? FindOomGroup(string? victimCgroup, string oomDomain)
        => Version == CgroupVersion.V2 ? OomGroup.Find(victimCgroup, oomDomain, IsOomGroup) : null;

    private static bool ListsMemory(string controllersFile)
    {
        try
        {
            return File.ReadAllText(controllersFile).Split(' ', '\n').Contains("memory");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo octal (fs/proc_namespace.c show_mountinfo / mangle()).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var sb = new System.Text.StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && !field.AsSpan(i + 1, 3).ContainsAnyExceptInRange('0', '7'))
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
}
