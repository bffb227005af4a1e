// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Containers;

/// <summary>Arithmetic on cgroup paths as /proc/PID/cgroup shows them ("/a/b", the root "/").</summary>
public static class CgroupPaths
{
    /// <summary>True when <paramref name="path"/> is <paramref name="ancestor"/> or lies below it.</summary>
    public static bool IsWithin(string? path, string ancestor)
    {
        if (path is null)
        {
            return false;
        }

        if (ancestor == "/")
        {
            return path.StartsWith('/');
        }

        return path.StartsWith(ancestor, StringComparison.Ordinal) &&
            (path.Length == ancestor.Length || path[ancestor.Length] == '/');
    }

    /// <summary>The parent's path; null for the root.</summary>
    public static string? Parent(string path)
    {
        if (path == "/" || path.Length == 0)
        {
            return null;
        }

        int slash = path.TrimEnd('/').LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
