// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;

namespace Pardon.Linux.Pressure;

/// <summary>
/// The cgroup mounts of /proc/self/mountinfo (proc(5); fs/proc_namespace.c show_mountinfo()):
/// "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS", where ROOT is the
/// directory of the filesystem that is mounted (not "/" inside a cgroup namespace) and paths escape space, tab,
/// newline and backslash as octal ("\040").
/// </summary>
public sealed class MountInfo
{
    private MountInfo(IReadOnlyList<Mount> mounts)
    {
        Mounts = mounts;
    }

    public IReadOnlyList<Mount> Mounts { get; }

    /// <summary>Reads <paramref name="path"/>; an unreadable file gives no mounts.</summary>
    public static MountInfo Read(string path = "/proc/self/mountinfo")
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new MountInfo([]);
        }
    }

    /// <summary>Parses mountinfo text, keeping cgroup (v1) and cgroup2 mounts; malformed lines are skipped.</summary>
    public static MountInfo Parse(string text)
    {
        var mounts = new List<Mount>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ');
            int dash = f.Length >= 9 ? Array.IndexOf(f, "-", 6) : -1;
            if (dash < 0 || dash + 2 >= f.Length)
            {
                continue;
            }

            string fsType = f[dash + 1];
            if (fsType is not ("cgroup" or "cgroup2"))
            {
                continue;
            }

            string superOptions = dash + 3 < f.Length ? f[dash + 3] : "";
            mounts.Add(new Mount(Unescape(f[3]), Unescape(f[4]), fsType, superOptions.Split(',')));
        }

        return new MountInfo(mounts);
    }

    /// <summary>The v1 mount carrying <paramref name="controller"/> whose mount point holds <paramref name="path"/> (the deepest, if nested).</summary>
    public Mount? V1MountOf(string path, string controller) =>
        Mounts.Where(m => m.FsType == "cgroup" && m.SuperOptions.Contains(controller) && IsUnder(path, m.MountPoint))
            .OrderByDescending(m => m.MountPoint.Length)
            .FirstOrDefault();

    /// <summary>The cgroup2 mounts, the one at /sys/fs/cgroup/unified or /sys/fs/cgroup first when there are several.</summary>
    public IEnumerable<Mount> V2Mounts() =>
        Mounts.Where(m => m.FsType == "cgroup2").OrderBy(m => m.MountPoint is "/sys/fs/cgroup/unified" or "/sys/fs/cgroup" ? 0 : 1);

    /// <summary>True when <paramref name="path"/> is <paramref name="directory"/> or lies beneath it.</summary>
    public static bool IsUnder(string path, string directory) =>
        directory == "/" || path == directory || path.StartsWith(directory.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 3 < s.Length && TryOctal(s.AsSpan(i + 1, 3), out char c))
            {
                sb.Append(c);
                i += 3;
            }
            else
            {
                sb.Append(s[i]);
            }
        }

        return sb.ToString();
    }

    private static bool TryOctal(ReadOnlySpan<char> digits, out char c)
    {
        int v = 0;
        foreach (char d in digits)
        {
            if (d is < '0' or > '7')
            {
                c = '\0';
                return false;
            }

            v = (v * 8) + (d - '0');
        }

        c = (char)v;
        return true;
    }

    /// <summary>One cgroup mount.</summary>
    /// <param name="Root">The directory of the hierarchy that is mounted ("/" unless inside a cgroup namespace or a bind mount).</param>
    public sealed record Mount(string Root, string MountPoint, string FsType, IReadOnlyList<string> SuperOptions)
    {
        /// <summary>The path inside the hierarchy of a directory beneath the mount point ("/a/b").</summary>
        public string HierarchyPath(string directory)
        {
            string rest = directory.Length > MountPoint.TrimEnd('/').Length ? directory[MountPoint.TrimEnd('/').Length..] : "";
            string joined = Root.TrimEnd('/') + rest;
            return joined.Length == 0 ? "/" : joined;
        }

        /// <summary>The directory where hierarchy path <paramref name="hierarchyPath"/> appears under this mount, or null when the mount does not show it.</summary>
        public string? DirectoryOf(string hierarchyPath)
        {
            if (!IsUnder(hierarchyPath, Root))
            {
                return null;
            }

            string rest = Root == "/" ? hierarchyPath : hierarchyPath[Root.TrimEnd('/').Length..];
            return rest is "" or "/" ? MountPoint : MountPoint.TrimEnd('/') + rest;
        }
    }
}
