// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Procfs;

internal static partial class ProcFs
{
    /// <summary>
    /// The "Locked:" figure of /proc/PID/smaps_rollup: the memory actually resident in locked mappings
    /// (fs/proc/task_mmu.c __show_smap(): the proportional share of the pages present in VM_LOCKED areas).
    /// VmLck of /proc/PID/status counts whole locked mappings instead (mm->locked_vm), so after
    /// mlockall(MCL_FUTURE | MCL_ONFAULT) it includes every address range the runtime merely reserved —
    /// hundreds of GiB for a .NET process — and is not memory at all.
    /// </summary>
    public static bool TryParseSmapsLocked(ReadOnlySpan<byte> content, out long lockedKiB)
    {
        lockedKiB = 0;
        foreach (Range r in content.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = content[r];
            if (line.StartsWith("Locked:"u8))
            {
                return TryParseKiB(line["Locked:".Length..], out lockedKiB);
            }
        }

        return false;
    }
}
