// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Procfs;

internal static partial class ProcFs
{
    /// <summary>Parses /proc/meminfo ("Key:    value kB" per line).</summary>
    public static bool TryParseMemInfo(ReadOnlySpan<byte> content, out ParsedMemInfo result)
    {
        result = default;
        bool sawTotal = false, ok = true;
        foreach (Range r in content.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = content[r];
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            ReadOnlySpan<byte> key = line[..colon];
            ReadOnlySpan<byte> value = line[(colon + 1)..];
            if (key.SequenceEqual("MemTotal"u8))
            {
                sawTotal = TryParseKiB(value, out result.MemTotal);
            }
            else if (key.SequenceEqual("MemFree"u8))
            {
                ok &= TryParseKiB(value, out result.MemFree);
            }
            else if (key.SequenceEqual("MemAvailable"u8))
            {
                result.HasMemAvailable = TryParseKiB(value, out result.MemAvailable);
            }
            else if (key.SequenceEqual("Buffers"u8))
            {
                ok &= TryParseKiB(value, out result.Buffers);
            }
            else if (key.SequenceEqual("Cached"u8))
            {
                ok &= TryParseKiB(value, out result.Cached);
            }
            else if (key.SequenceEqual("SwapTotal"u8))
            {
                ok &= TryParseKiB(value, out result.SwapTotal);
            }
            else if (key.SequenceEqual("SwapFree"u8))
            {
                ok &= TryParseKiB(value, out result.SwapFree);
            }
            else if (key.SequenceEqual("AnonPages"u8))
            {
                ok &= TryParseKiB(value, out result.AnonPages);
            }
            else if (key.SequenceEqual("Shmem"u8))
            {
                ok &= TryParseKiB(value, out result.Shmem);
            }
        }

        if (!result.HasMemAvailable)
        {
            // Kernels before 3.14 lack MemAvailable; this is the estimate earlyoom and procps fall back to.
            result.MemAvailable = Math.Max(0, result.MemFree + result.Cached + result.Buffers - result.Shmem);
        }

        return ok && sawTotal;
    }
}
