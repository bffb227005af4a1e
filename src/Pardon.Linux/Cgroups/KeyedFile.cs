// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Io;

namespace Pardon.Linux.Cgroups;

/// <summary>
/// cgroupfs "flat keyed" files, one "key value" pair per line: memory.stat, memory.events,
/// memory.oom_control (Documentation/admin-guide/cgroup-v2.rst, "Format").
/// </summary>
internal static class KeyedFile
{
    public static bool TryGet(ReadOnlySpan<byte> content, ReadOnlySpan<byte> key, out long value)
    {
        value = 0;
        foreach (Range r in content.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = content[r];
            if (line.Length > key.Length && line[key.Length] == (byte)' ' && line.StartsWith(key))
            {
                return Utf8Number.TryParseInt64(line[(key.Length + 1)..].Trim((byte)' '), out value);
            }
        }

        return false;
    }
}
