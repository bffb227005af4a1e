// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Procfs;

/// <summary>The /proc/meminfo lines Pardon uses (fs/proc/meminfo.c), in KiB.</summary>
internal struct ParsedMemInfo
{
    public long MemTotal;
    public long MemFree;
    public long MemAvailable;   // si_mem_available(): free + reclaimable page cache and slab, minus reserves
    public long Buffers;
    public long Cached;
    public long SwapTotal;
    public long SwapFree;
    public long AnonPages;
    public long Shmem;
    public bool HasMemAvailable;
}
