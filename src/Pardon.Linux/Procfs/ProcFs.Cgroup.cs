// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Procfs;

internal static partial class ProcFs
{
    /// <summary>
    /// Finds a process's memory cgroup in /proc/PID/cgroup ("hierarchy-ID:controller-list:path" per line,
    /// cgroups(7)). A v1 line whose controller list names "memory" wins; otherwise the v2 line "0::path"
    /// (where the memory controller lives when it is not bound to v1). Returns the path's range.
    /// </summary>
    public static bool TryParseMemoryCgroup(ReadOnlySpan<byte> content, out Range path, out bool isV1)
    {
        path = default;
        isV1 = false;
        bool found = false;
        foreach (Range r in content.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = content[r];
            int lineStart = r.Start.GetOffset(content.Length);
            int first = line.IndexOf((byte)':');
            if (first < 0)
            {
                continue;
            }

            int second = line[(first + 1)..].IndexOf((byte)':');
            if (second < 0)
            {
                continue;
            }

            second += first + 1;
            ReadOnlySpan<byte> controllers = line[(first + 1)..second];
            Range p = new(lineStart + second + 1, lineStart + line.Length);
            if (controllers.IsEmpty && line[..first].SequenceEqual("0"u8))
            {
                if (!found)
                {
                    path = p;
                    found = true;
                }
            }
            else if (ContainsController(controllers, "memory"u8))
            {
                path = p;
                isV1 = true;
                return true;
            }
        }

        return found;
    }

    private static bool ContainsController(ReadOnlySpan<byte> list, ReadOnlySpan<byte> name)
    {
        foreach (Range r in list.Split((byte)','))
        {
            if (list[r].SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }
}
