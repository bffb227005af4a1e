// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text;
using Pardon.Core;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Processes;

/// <summary>
/// The pardon worker's look at one pardoned process, made on every sweep whether the process is inside the
/// monitored scope or not: its start time, owner and executable (statx of /proc/PID/exe: device and inode,
/// the file it really runs) and the memory it holds (<see cref="HeldMemory"/>). Everything is read through
/// /proc/PID while a pidfd pins the process, and checked against the pidfd afterwards, so the facts are the
/// pinned process's and never a later one's that got its pid. One instance is reused (its buffers and caches);
/// not thread-safe.
/// </summary>
public sealed class PardonProbe
{
    private const int KiB = 1024;
    private readonly string _procRoot;
    private readonly string _cgroupV1Memory;
    private readonly string _cgroupV2;
    private readonly int _maxEntries;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly DirectoryReader _directory = new();
    private readonly Dictionary<FileIdentity, long> _files = [];
    private readonly Dictionary<ulong, bool> _shmemDevices = [];

    /// <param name="procRoot">The procfs mount.</param>
    /// <param name="cgroupV1Memory">The cgroup v1 memory hierarchy's mount.</param>
    /// <param name="cgroupV2">The cgroup v2 hierarchy's mount.</param>
    /// <param name="maxEntries">How many descriptors plus mappings are looked at per process at most.</param>
    public PardonProbe(string procRoot = "/proc", string cgroupV1Memory = "/sys/fs/cgroup/memory", string cgroupV2 = "/sys/fs/cgroup", int maxEntries = 65536)
    {
        _procRoot = procRoot;
        _cgroupV1Memory = cgroupV1Memory;
        _cgroupV2 = cgroupV2;
        _maxEntries = maxEntries;
    }

    /// <summary>Reads the process <paramref name="pin"/> pins. False when it exited (the facts are then meaningless).</summary>
    public bool TryProbe(PidFd pin, out PardonProbeFacts facts)
    {
        facts = default;
        int dirfd = FdIo.Open($"{_procRoot}/{pin.Pid}", Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY);
        if (dirfd < 0)
        {
            return false;
        }

        try
        {
            int n = FdIo.ReadFileAt(dirfd, "stat"u8, _buffer);
            if (n <= 0 || !ProcFs.TryParseStat(_buffer.AsSpan(0, n), out ParsedStat stat))
            {
                return false;
            }

            n = FdIo.ReadFileAt(dirfd, "status"u8, _buffer);
            if (n <= 0 || !ProcFs.TryParseStatus(_buffer.AsSpan(0, n), out ParsedStatus status))
            {
                return false;
            }

            FileIdentity exe = FdIo.StatAt(dirfd, "exe"u8, out Interop.Libc.Statx sx) == 0 ? Identity(in sx) : default;
            HeldMemory memory = Measure(dirfd, pin.Pid, in status);

            // The pidfd was opened before /proc/PID: alive now, it pinned the process all along.
            if (pin.HasExited || stat.starttime != pin.StartTime)
            {
                return false;
            }

            facts = new PardonProbeFacts(stat.starttime, status.Uid, exe, memory);
            return true;
        }
        finally
        {
            Interop.Libc.Close(dirfd);
        }
    }

    private HeldMemory Measure(int dirfd, int pid, in ParsedStatus status)
    {
        _files.Clear();
        int budget = _maxEntries;
        bool complete = Visit(dirfd, "fd"u8, ref budget) & Visit(dirfd, "map_files"u8, ref budget);
        long shmemFiles = 0;
        foreach (long kib in _files.Values)
        {
            shmemFiles += kib;
        }

        return new HeldMemory(status.RssAnon, status.RssFile, status.RssShmem, status.VmSwap, shmemFiles, AloneCgroupKiB(dirfd, pid), complete);
    }

    /// <summary>
    /// Adds the shared-memory files among the entries of /proc/PID/fd or /proc/PID/map_files (magic links: statx
    /// follows them to the open or mapped file). map_files needs CAP_SYS_ADMIN; without it the mappings are
    /// skipped. False when the budget ran out.
    /// </summary>
    private bool Visit(int dirfd, ReadOnlySpan<byte> name, ref int budget)
    {
        int list = FdIo.OpenAt(dirfd, name, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY);
        if (list < 0)
        {
            return true;
        }

        try
        {
            var state = new VisitState { Probe = this, List = list, Budget = budget };
            _directory.ForEach(list, ref state, static (ref VisitState s, ReadOnlySpan<byte> entry, byte _, ulong _) => s.Probe.VisitEntry(ref s, entry));
            budget = state.Budget;
            return !state.Exhausted;
        }
        finally
        {
            Interop.Libc.Close(list);
        }
    }

    private void VisitEntry(ref VisitState state, ReadOnlySpan<byte> entry)
    {
        if (state.Budget <= 0)
        {
            state.Exhausted = true;
            return;
        }

        state.Budget--;
        if (FdIo.StatAt(state.List, entry, out Interop.Libc.Statx sx) != 0 || (sx.stx_mode & Interop.Libc.S_IFMT) != Interop.Libc.S_IFREG)
        {
            return;
        }

        FileIdentity identity = Identity(in sx);
        if (_files.ContainsKey(identity) || !IsSharedMemory(state.List, entry, identity.Device))
        {
            return;
        }

        // st_blocks: what the file really has allocated (a sparse memfd of 1 TiB costs nothing until written);
        // tmpfs counts swapped-out pages of the file here too.
        _files[identity] = (long)(sx.stx_blocks * 512 / KiB);
    }

    /// <summary>Whether a file's filesystem keeps its data in memory (tmpfs/shmem, hugetlbfs, ramfs, secretmem), by statfs, cached per device.</summary>
    private unsafe bool IsSharedMemory(int list, ReadOnlySpan<byte> entry, ulong device)
    {
        if (_shmemDevices.TryGetValue(device, out bool known))
        {
            return known;
        }

        int fd = FdIo.OpenAt(list, entry, Interop.Libc.O_PATH);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            Interop.Libc.StatFs fs;
            if (Interop.Libc.FstatFs(fd, &fs) != 0)
            {
                return false;
            }

            bool shmem = fs.f_type is Interop.Libc.TMPFS_MAGIC or Interop.Libc.HUGETLBFS_MAGIC or Interop.Libc.RAMFS_MAGIC or Interop.Libc.SECRETMEM_MAGIC;
            _shmemDevices[device] = shmem;
            return shmem;
        }
        finally
        {
            Interop.Libc.Close(fd);
        }
    }

    /// <summary>
    /// The working set (usage minus inactive file cache, as the kubelet counts it) of the process's own memory
    /// cgroup when the process is alone there and the cgroup has no children; -1 otherwise. The hierarchy's root
    /// is never "its own".
    /// </summary>
    private long AloneCgroupKiB(int dirfd, int pid)
    {
        int n = FdIo.ReadFileAt(dirfd, "cgroup"u8, _buffer);
        if (n <= 0 || !ProcFs.TryParseMemoryCgroup(_buffer.AsSpan(0, n), out Range range, out bool isV1))
        {
            return -1;
        }

        string relative = Encoding.UTF8.GetString(_buffer.AsSpan(0, n)[range]).TrimEnd('/');
        if (relative.Length == 0 || relative.Contains("/..", StringComparison.Ordinal))
        {
            return -1;
        }

        string directory = (isV1 ? _cgroupV1Memory : _cgroupV2) + relative;
        try
        {
            string procs = File.ReadAllText(Path.Combine(directory, "cgroup.procs")).Trim();
            if (procs != pid.ToString(CultureInfo.InvariantCulture) || Directory.EnumerateDirectories(directory).Any())
            {
                return -1;
            }

            string usageFile = isV1 ? "memory.usage_in_bytes" : "memory.current";
            if (!long.TryParse(File.ReadAllText(Path.Combine(directory, usageFile)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long usage))
            {
                return -1;
            }

            long inactiveFile = StatValue(File.ReadAllText(Path.Combine(directory, "memory.stat")), isV1 ? "total_inactive_file" : "inactive_file");
            return Math.Max(0, usage - Math.Max(0, inactiveFile)) / KiB;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static long StatValue(string stat, string key)
    {
        foreach (string line in stat.Split('\n'))
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space == key.Length && line.StartsWith(key, StringComparison.Ordinal) &&
                long.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            {
                return value;
            }
        }

        return 0;
    }

    // Major in the high 32 bits, minor in the low, as everywhere else in Pardon.
    private static FileIdentity Identity(in Interop.Libc.Statx sx)
        => new(((ulong)sx.stx_dev_major << 32) | sx.stx_dev_minor, sx.stx_ino);

    private struct VisitState
    {
        public PardonProbe Probe;
        public int List;
        public int Budget;
        public bool Exhausted;
    }
}
