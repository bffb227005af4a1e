// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using Pardon.Core;
using Pardon.Linux.Io;

namespace Pardon.Linux.Procfs;

/// <summary>
/// The processes of a scope, kept up to date scan after scan. A process is read in full once, when first
/// seen: stat (identity, start time, kernel-thread flag), status, exe, cmdline, cgroup. After that a scan
/// costs two pread(2) calls per process on descriptors kept open — statm for the memory counters and
/// oom_score_adj — and re-reads status only when statm moved (swap and page tables live only there, and
/// they change only when the mapping does). A descriptor of /proc/PID outlives neither its process nor a
/// reuse of its pid: a read then fails with ESRCH, so a recycled pid is never mistaken for the old process.
/// In steady state (no process started or exited) a scan allocates nothing.
/// </summary>
public sealed partial class ProcessTable : IDisposable
{
    private const int CmdlineMax = 4096;
    private readonly SafeFdHandle _procDir;
    private readonly Dictionary<int, Entry> _entries = new(1024);
    private readonly Stack<Entry> _free = new();
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly byte[] _pathBuffer = new byte[FdIo.MaxPath];
    private readonly bool _isRealProc;
    private Entry[] _order = new Entry[512];
    private ProcessFacts[] _current = new ProcessFacts[512];
    private int _count;
    private int _generation;
    private bool _keepFilesOpen = true;

    /// <param name="procRoot">The procfs mount; a fixture directory in tests.</param>
    public ProcessTable(string procRoot = "/proc")
    {
        _procDir = FdIo.OpenOrThrow(procRoot, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY);
        _isRealProc = procRoot == "/proc";
        PageSize = Environment.SystemPageSize;
        InitializePrediction(procRoot);
    }

    /// <summary>PAGE_SIZE; procfs prints KiB and pages, oom_badness() counts pages.</summary>
    public long PageSize { get; init; }

    /// <summary>The processes of the last scan, in the kernel's iteration order for the scope.</summary>
    public ReadOnlySpan<ProcessFacts> Processes => _current.AsSpan(0, _count);

    /// <summary>How many descriptors the table holds open (three per user-space process, two per kernel thread).</summary>
    public int OpenDescriptors { get; private set; }

    /// <summary>Processes the last scan met for the first time or no longer found: zero in steady state.</summary>
    public int LastScanChanges { get; private set; }

    /// <summary>Reads the scope's processes. <paramref name="nowMs"/> is on the boot clock (<see cref="Clock.BootTimeMs"/>).</summary>
    public int Scan(IPidSource source, PidList pids, long nowMs, long growthWindowMs)
    {
        if (!source.Collect(pids))
        {
            pids.Clear();
        }

        int generation = ++_generation;
        int discovered = 0;
        ReadOnlySpan<int> pidSpan = pids.Pids;
        ReadOnlySpan<int> groups = pids.Groups;
        if (_order.Length < pidSpan.Length)
        {
            _order = new Entry[pidSpan.Length * 2];
            _current = new ProcessFacts[pidSpan.Length * 2];
        }

        int count = 0;
        for (int i = 0; i < pidSpan.Length; i++)
        {
            int pid = pidSpan[i];
            if (_entries.TryGetValue(pid, out Entry? entry))
            {
                if (entry.Generation == generation)
                {
                    continue; // listed twice (a process moved between cgroups while we walked)
                }

                if (!Refresh(entry))
                {
                    // The process exited; its pid may already belong to a new one.
                    Drop(entry);
                    entry = Discover(pid);
                    discovered++;
                }
            }
            else
            {
                entry = Discover(pid);
                discovered++;
            }

            if (entry is null)
            {
                continue; // vanished while being read: not an error, just no longer there
            }

            entry.Generation = generation;
            entry.Group = groups[i];
            entry.Position = i;
            entry.Facts.Growth.Record(nowMs, entry.Facts.RssPages, growthWindowMs);
            _order[count++] = entry;
        }

        int dropped = RemoveStale(generation);
        LastScanChanges = discovered + dropped;
        _order.AsSpan(0, count).Sort(source.OrderIsKernelOrder ? EntryOrder.ByPositionComparison : EntryOrder.ByStartTimeComparison);
        for (int i = 0; i < count; i++)
        {
            _order[i].Facts.IterationOrder = i;
            _order[i].Facts.OrderBucket = OrderBucket(source, _order[i].Group, _order[i].Facts);
            _current[i] = _order[i].Facts;
        }

        Array.Clear(_order, count, _count > count ? _count - count : 0);
        Array.Clear(_current, count, _count > count ? _count - count : 0);
        _count = count;
        MarkVforkChildren();
        return count;
    }

    /// <summary>Finds a process of the last scan by pid.</summary>
    public ProcessFacts? Find(int pid) => _entries.TryGetValue(pid, out Entry? e) ? e.Facts : null;

    /// <summary>
    /// Re-reads everything about one process now (identity included), for a decision about to be acted on.
    /// Returns false when it has exited.
    /// </summary>
    public bool RefreshNow(ProcessFacts facts)
    {
        if (!_entries.TryGetValue(facts.Pid, out Entry? entry) || !ReferenceEquals(entry.Facts, facts))
        {
            return false;
        }

        entry.ForceStatus = true;
        if (facts.MmThreadId != 0)
        {
            facts.Exe = null; // re-read through the live thread, as at discovery
        }

        if (!Refresh(entry))
        {
            return false;
        }

        return ReadStat(entry.DirFd, facts, identityOnly: false) && (facts.MmThreadId != 0 || ReadIdentity(entry.DirFd, facts));
    }

    private bool Refresh(Entry entry)
    {
        ProcessFacts f = entry.Facts;
        Span<byte> buffer = _buffer;

        // oom_score_adj doubles as the liveness probe: its read fails with ESRCH once the task is gone.
        int n = entry.Adj is { } adj ? FdIo.PReadRecord(adj, buffer) : FdIo.ReadRecordAt(entry.DirFd, "oom_score_adj"u8, buffer);
        if (n <= 0 || !ProcFs.TryParseOomScoreAdj(buffer[..n], out short oomScoreAdj))
        {
            return false;
        }

        f.OomScoreAdj = oomScoreAdj;
        if (f.IsKernelThread)
        {
            return true;
        }

        n = entry.Statm is { } statmFd ? FdIo.PReadRecord(statmFd, buffer) : FdIo.ReadRecordAt(entry.DirFd, "statm"u8, buffer);
        if (n <= 0 || !ProcFs.TryParseStatm(buffer[..n], out ParsedStatm statm))
        {
            return false;
        }

        // A process whose main thread exited shows the leader's empty statm: its memory is read through a live
        // thread every time (ProcessTable.Prediction.cs).
        if (!entry.ForceStatus && statm.Equals(entry.LastStatm) && f.MmThreadId == 0)
        {
            return true;
        }

        bool exec = statm.text != entry.LastStatm.text;
        entry.LastStatm = statm;
        entry.ForceStatus = false;
        if (!ReadStatus(entry.DirFd, f, out bool nameChanged))
        {
            return false;
        }

        // stat's rss is the OOM killer's own (approximate) get_mm_rss(); see ProcessFacts.KernelRssPages.
        // It moves only when the counters do, so it is read when statm moved, like status.
        if (!ReadStat(entry.DirFd, f, identityOnly: true))
        {
            return false;
        }

        // A new text size or a new name means the process exec'd: its exe and command line changed too.
        if ((exec || nameChanged) && f.HasMm && f.MmThreadId == 0)
        {
            ReadIdentity(entry.DirFd, f);
        }

        return true;
    }

    private Entry? Discover(int pid)
    {
        Span<byte> path = _pathBuffer;
        int len = Utf8Number.Format(pid, path);
        int dirfd = FdIo.OpenAt(_procDir.Fd, path[..len], Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY);
        if (dirfd < 0)
        {
            return null;
        }

        Entry entry = _free.Count > 0 ? _free.Pop() : new Entry();
        entry.Reset(pid, dirfd);
        OpenDescriptors++;
        ProcessFacts f = entry.Facts;
        if (!ReadStat(dirfd, f, identityOnly: false) || !ReadStatus(dirfd, f, out _))
        {
            Release(entry);
            return null;
        }

        SetIdentityFacts(f);

        if (!f.IsKernelThread)
        {
            entry.Statm = OpenKept(dirfd, "statm"u8);
            int n = entry.Statm is { } s ? FdIo.PReadRecord(s, _buffer) : FdIo.ReadRecordAt(dirfd, "statm"u8, _buffer);
            if (n <= 0 || !ProcFs.TryParseStatm(_buffer.AsSpan(0, n), out entry.LastStatm))
            {
                Release(entry);
                return null;
            }

            if (f.MmThreadId == 0)
            {
                ReadIdentity(dirfd, f);
            }
        }

        entry.Adj = OpenKept(dirfd, "oom_score_adj"u8);
        if (!Refresh(entry))
        {
            Release(entry);
            return null;
        }

        _entries[pid] = entry;
        return entry;
    }

    private SafeFdHandle? OpenKept(int dirfd, ReadOnlySpan<byte> name)
    {
        if (!_keepFilesOpen)
        {
            return null;
        }

        int fd = FdIo.OpenAt(dirfd, name, Interop.Libc.O_RDONLY);
        if (fd == -Interop.Errno.EMFILE)
        {
            // Out of descriptors: from now on open each file per read. Slower, never wrong.
            _keepFilesOpen = false;
            return null;
        }

        if (fd < 0)
        {
            return null;
        }

        OpenDescriptors++;
        return new SafeFdHandle(fd);
    }

    private bool ReadStat(int dirfd, ProcessFacts f, bool identityOnly)
    {
        int n = FdIo.ReadRecordAt(dirfd, "stat"u8, _buffer);
        if (n <= 0 || !ProcFs.TryParseStat(_buffer.AsSpan(0, n), out ParsedStat stat))
        {
            return false;
        }

        ReadOnlySpan<byte> comm = _buffer.AsSpan(0, n)[stat.comm];
        if (!identityOnly || !Utf8Equals(f.Comm, comm))
        {
            f.Comm = DecodeComm(comm);
        }

        f.Ppid = stat.ppid;
        f.Pgid = stat.pgrp;
        f.State = stat.state;
        SetApproximateRss(f, stat.rss);
        if (!identityOnly)
        {
            f.StartTime = stat.starttime;
            f.IsKernelThread = (stat.flags & ParsedStat.PF_KTHREAD) != 0;
        }

        return true;
    }

    private bool ReadStatus(int dirfd, ProcessFacts f, out bool nameChanged)
    {
        nameChanged = false;
        int n = FdIo.ReadRecordAt(dirfd, "status"u8, _buffer);
        if (n <= 0 || !ProcFs.TryParseStatus(_buffer.AsSpan(0, n), out ParsedStatus status))
        {
            return false;
        }

        long kibPerPage = PageSize / 1024;
        f.Uid = status.Uid;
        f.Ppid = status.PPid;
        f.State = status.State;
        f.HasMm = status.HasMm;
        f.RssAnonPages = status.RssAnon / kibPerPage;
        f.RssFilePages = status.RssFile / kibPerPage;
        f.RssShmemPages = status.RssShmem / kibPerPage;
        f.SwapPages = status.VmSwap / kibPerPage;
        f.PgTablesBytes = status.VmPTE * 1024;
        if (status.Kthread == 1)
        {
            f.IsKernelThread = true;
        }

        f.SigKillPending = status.SigKillPending;
        f.MmThreadId = 0;
        if (!status.HasMm && status.State == 'Z' && status.Threads > 1 && !f.IsKernelThread)
        {
            ReadThroughLiveThread(dirfd, f);
        }

        // status escapes the name ("\n" for a newline); compare against stat's raw comm via the escaped form.
        ReadOnlySpan<byte> name = _buffer.AsSpan(0, n)[status.Name];
        nameChanged = !EscapedEquals(f.Comm, name);
        return true;
    }

    private bool ReadIdentity(int dirfd, ProcessFacts f)
    {
        int n = FdIo.ReadLinkAt(dirfd, "exe"u8, _buffer);
        f.Exe = n > 0 ? Encoding.UTF8.GetString(_buffer, 0, n) : null;
        f.ExeIdentity = default;
        if (n > 0 && FdIo.StatAt(dirfd, "exe"u8, out Interop.Libc.Statx sx) == 0)
        {
            f.ExeIdentity = new FileIdentity(((ulong)sx.stx_dev_major << 32) | sx.stx_dev_minor, sx.stx_ino);
        }

        n = FdIo.ReadFileAt(dirfd, "cmdline"u8, _buffer.AsSpan(0, CmdlineMax));
        f.Cmdline = n > 0 ? DecodeCmdline(_buffer.AsSpan(0, n)) : "";

        n = FdIo.ReadFileAt(dirfd, "cgroup"u8, _buffer);
        f.Cgroup = n > 0 && ProcFs.TryParseMemoryCgroup(_buffer.AsSpan(0, n), out Range p, out _)
            ? Encoding.UTF8.GetString(_buffer.AsSpan(0, n)[p])
            : null;
        return true;
    }

    private void MarkVforkChildren()
    {
        // in_vfork(): the child of a vfork() shares its parent's mm until it execs or exits. Two processes
        // sharing one mm show identical statm; kcmp(KCMP_VM) then confirms it (a real /proc only).
        ReadOnlySpan<ProcessFacts> all = Processes;
        for (int i = 0; i < all.Length; i++)
        {
            ProcessFacts f = all[i];
            f.InVfork = false;
            if (f.IsKernelThread || !f.HasMm || f.Ppid <= 1 || !_entries.TryGetValue(f.Pid, out Entry? child) ||
                !_entries.TryGetValue(f.Ppid, out Entry? parent) || parent.Facts.IsKernelThread ||
                !child.LastStatm.Equals(parent.LastStatm))
            {
                continue;
            }

            f.InVfork = _isRealProc && Interop.Libc.KcmpVm(f.Pid, f.Ppid) == 0;
        }
    }

    private int RemoveStale(int generation)
    {
        // Collect first: a Dictionary must not change while it is enumerated.
        int stale = 0;
        foreach (KeyValuePair<int, Entry> kv in _entries)
        {
            if (kv.Value.Generation != generation)
            {
                stale++;
            }
        }

        if (stale == 0)
        {
            return 0;
        }

        Span<int> pids = stale <= 256 ? stackalloc int[stale] : new int[stale];
        int k = 0;
        foreach (KeyValuePair<int, Entry> kv in _entries)
        {
            if (kv.Value.Generation != generation)
            {
                pids[k++] = kv.Key;
            }
        }

        foreach (int pid in pids)
        {
            Drop(_entries[pid]);
        }

        return stale;
    }

    private void Drop(Entry entry)
    {
        _entries.Remove(entry.Facts.Pid);
        Release(entry);
    }

    private void Release(Entry entry)
    {
        OpenDescriptors -= entry.CloseAll();
        _free.Push(entry);
    }

    private static string DecodeComm(ReadOnlySpan<byte> comm) => Encoding.UTF8.GetString(comm);

    private static bool Utf8Equals(string s, ReadOnlySpan<byte> utf8)
    {
        if (s.Length > utf8.Length)
        {
            return false;
        }

        Span<char> chars = stackalloc char[64];
        return utf8.Length <= 64 && Encoding.UTF8.TryGetChars(utf8, chars, out int written) && chars[..written].SequenceEqual(s);
    }

    /// <summary>Compares a raw comm with status's escaped Name (only '\n' and '\\' are escaped: seq_escape_str(..., "\n\\")).</summary>
    private static bool EscapedEquals(string comm, ReadOnlySpan<byte> escaped)
    {
        Span<byte> raw = stackalloc byte[64];
        int len = 0;
        for (int i = 0; i < escaped.Length && len < raw.Length; i++)
        {
            byte b = escaped[i];
            if (b == (byte)'\\' && i + 1 < escaped.Length)
            {
                byte next = escaped[++i];
                raw[len++] = next switch
                {
                    (byte)'n' => (byte)'\n',
                    _ => next,
                };
                continue;
            }

            raw[len++] = b;
        }

        return Utf8Equals(comm, raw[..len]) && Encoding.UTF8.GetCharCount(raw[..len]) == comm.Length;
    }

    private static string DecodeCmdline(ReadOnlySpan<byte> raw)
    {
        // Arguments are NUL-separated (and NUL-terminated); show them space-separated.
        raw = raw.TrimEnd((byte)0);
        Span<byte> copy = raw.Length <= CmdlineMax ? stackalloc byte[raw.Length] : new byte[raw.Length];
        raw.CopyTo(copy);
        copy.Replace((byte)0, (byte)' ');
        return Encoding.UTF8.GetString(copy);
    }

    public void Dispose()
    {
        foreach (Entry e in _entries.Values)
        {
            e.CloseAll();
        }

        _entries.Clear();
        _procDir.Dispose();
    }

    private sealed class Entry : IDisposable
    {
        public ProcessFacts Facts = new();
        public SafeFdHandle Dir = new();
        public SafeFdHandle? Statm;
        public SafeFdHandle? Adj;
        public ParsedStatm LastStatm;
        public bool ForceStatus;
        public int Generation;
        public int Group;
        public int Position;

        /// <summary>The /proc/PID descriptor (O_PATH). The table is single-threaded and owns it, so it is used without AddRef.</summary>
        public int DirFd => Dir.Fd;

        public void Reset(int pid, int dirfd)
        {
            Facts = new ProcessFacts { Pid = pid };
            Dir = new SafeFdHandle(dirfd);
            Statm = null;
            Adj = null;
            LastStatm = default;
            ForceStatus = false;
            Generation = 0;
        }

        public int CloseAll()
        {
            int closed = 0;
            if (!Dir.IsInvalid && !Dir.IsClosed)
            {
                Dir.Dispose();
                closed++;
            }

            if (Statm is not null)
            {
                Statm.Dispose();
                Statm = null;
                closed++;
            }

            if (Adj is not null)
            {
                Adj.Dispose();
                Adj = null;
                closed++;
            }

            return closed;
        }

        public void Dispose() => CloseAll();
    }

    private sealed class EntryOrder : IComparer<Entry>
    {
        public static readonly EntryOrder ByStartTime = new(byPosition: false);
        public static readonly EntryOrder ByPosition = new(byPosition: true);

        // Array.Sort with an IComparer wraps it in a new Comparison on every call (64 bytes per scan);
        // sorting the span with a cached delegate keeps a steady-state scan allocation-free.
        public static readonly Comparison<Entry> ByStartTimeComparison = ByStartTime.Compare;
        public static readonly Comparison<Entry> ByPositionComparison = ByPosition.Compare;
        private readonly bool _byPosition;

        private EntryOrder(bool byPosition) => _byPosition = byPosition;

        public int Compare(Entry? x, Entry? y)
        {
            int c = x!.Group.CompareTo(y!.Group);
            if (c != 0)
            {
                return c;
            }

            if (_byPosition)
            {
                return x.Position.CompareTo(y.Position);
            }

            // Global OOM walks init_task.tasks, where fork appends: creation order. starttime has clock-tick
            // resolution, so processes born in the same tick fall back to pid order.
            c = x.Facts.StartTime.CompareTo(y.Facts.StartTime);
            return c != 0 ? c : x.Facts.Pid.CompareTo(y.Facts.Pid);
        }
    }
}
