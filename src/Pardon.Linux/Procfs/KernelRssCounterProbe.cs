// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Io;

namespace Pardon.Linux.Procfs;

/// <summary>
/// Finds the rss counter the running kernel's oom_badness() reads (<see cref="RssCounter"/>), from the kernel's
/// own /proc/PID/oom_score: every process whose approximate (stat) and precise (status) rss predict different
/// scores is a witness, provided its counters read the same before and after its score (nothing moved in
/// between). One pass over /proc; the kernel version decides when no process tells the two apart
/// (<see cref="RssCounterChoice"/>). The result for the real /proc is kept for the life of the process.
/// </summary>
public static class KernelRssCounterProbe
{
    private static readonly Lazy<(RssCounter Counter, string Basis)> s_current = new(() => Detect("/proc"));

    /// <summary>The choice for this machine's kernel, detected once.</summary>
    public static (RssCounter Counter, string Basis) Current => s_current.Value;

    /// <summary>Reads every process of <paramref name="procRoot"/> once and decides.</summary>
    public static (RssCounter Counter, string Basis) Detect(string procRoot)
    {
        var choice = new RssCounterChoice();
        long pageSize = Environment.SystemPageSize;
        (int major, int minor) = KernelVersion(procRoot);
        if (!TryReadSystemTotalPages(procRoot, pageSize, out long totalPages))
        {
            return choice.Decide(major, minor);
        }

        byte[] buffer = new byte[16 * 1024];
        byte[] path = new byte[FdIo.MaxPath];
        int procFd = FdIo.Open(procRoot, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY);
        if (procFd < 0)
        {
            return choice.Decide(major, minor);
        }

        try
        {
            foreach (string dir in Directory.EnumerateDirectories(procRoot))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid <= 1)
                {
                    continue;
                }

                int len = Utf8Number.Format(pid, path);
                int dirfd = FdIo.OpenAt(procFd, path.AsSpan(0, len), Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY);
                if (dirfd < 0)
                {
                    continue;
                }

                try
                {
                    if (TryReadCounters(dirfd, buffer, pageSize, out Counters before) &&
                        TryReadNumber(dirfd, "oom_score"u8, buffer, out long score) &&
                        TryReadCounters(dirfd, buffer, pageSize, out Counters after) && before == after)
                    {
                        choice.Observe(before.Approximate, before.Precise, before.Swap, before.PgTablesBytes, before.Adj, totalPages, pageSize, score);
                    }
                }
                finally
                {
                    Interop.Libc.Close(dirfd);
                }
            }
        }
        catch (IOException)
        {
            // /proc vanished under us: decide on what was seen
        }
        finally
        {
            Interop.Libc.Close(procFd);
        }

        return choice.Decide(major, minor);
    }

    /// <summary>The running kernel's major and minor version (/proc/sys/kernel/osrelease, "6.18.44-..."); (0, 0) when unreadable.</summary>
    public static (int Major, int Minor) KernelVersion(string procRoot = "/proc")
    {
        try
        {
            string release = File.ReadAllText(Path.Combine(procRoot, "sys/kernel/osrelease")).Trim();
            string[] parts = release.Split('.', 3);
            if (parts.Length >= 2 && int.TryParse(parts[0], out int major) &&
                int.TryParse(new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray()), out int minor))
            {
                return (major, minor);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return (0, 0);
    }

    private static bool TryReadSystemTotalPages(string procRoot, long pageSize, out long totalPages)
    {
        totalPages = 0;
        byte[] buffer = new byte[8192];
        int fd = FdIo.Open(Path.Combine(procRoot, "meminfo"), Interop.Libc.O_RDONLY);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            int n = FdIo.PReadAll(fd, buffer);
            if (n <= 0 || !ProcFs.TryParseMemInfo(buffer.AsSpan(0, n), out ParsedMemInfo m))
            {
                return false;
            }

            totalPages = TotalPages.ForSystem(m.MemTotal, m.SwapTotal, pageSize);
            return totalPages > 0;
        }
        finally
        {
            Interop.Libc.Close(fd);
        }
    }

    private static bool TryReadCounters(int dirfd, byte[] buffer, long pageSize, out Counters counters)
    {
        counters = default;
        int n = FdIo.ReadRecordAt(dirfd, "stat"u8, buffer);
        if (n <= 0 || !ProcFs.TryParseStat(buffer.AsSpan(0, n), out ParsedStat stat) || (stat.flags & ParsedStat.PF_KTHREAD) != 0)
        {
            return false;
        }

        long approximate = stat.rss;
        n = FdIo.ReadRecordAt(dirfd, "status"u8, buffer);
        if (n <= 0 || !ProcFs.TryParseStatus(buffer.AsSpan(0, n), out ParsedStatus status) || !status.HasMm)
        {
            return false;
        }

        n = FdIo.ReadRecordAt(dirfd, "oom_score_adj"u8, buffer);
        if (n <= 0 || !ProcFs.TryParseOomScoreAdj(buffer.AsSpan(0, n), out short adj) || adj == KernelOom.OomScoreAdjMin)
        {
            return false;
        }

        long kibPerPage = pageSize / 1024;
        counters = new Counters(approximate, (status.RssAnon + status.RssFile + status.RssShmem) / kibPerPage, status.VmSwap / kibPerPage, status.VmPTE * 1024, adj);
        return true;
    }

    private static bool TryReadNumber(int dirfd, ReadOnlySpan<byte> name, byte[] buffer, out long value)
    {
        value = 0;
        int n = FdIo.ReadRecordAt(dirfd, name, buffer);
        return n > 0 && Utf8Number.TryParseInt64(buffer.AsSpan(0, n).TrimEnd((byte)'\n'), out value);
    }

    private readonly record struct Counters(long Approximate, long Precise, long Swap, long PgTablesBytes, short Adj);
}
