// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using Pardon.Core;
using Pardon.Linux.Io;

namespace Pardon.Linux.Procfs;

/// <summary>
/// The processes of the machine that any watched scope holds, kept up to date scan after scan; each scope
/// sees its own processes through a <see cref="ProcessView"/> of this one table. A process is read in full
/// once, when first seen: stat (identity, start time, kernel-thread flag), status, exe, cmdline, cgroup.
/// After that a scan costs two pread(2) calls per process on descriptors kept open — statm for the memory
/// counters and oom_score_adj — and re-reads status only when statm moved (swap and page tables live only
/// there, and they change only when the mapping does). Within one scan round (<see cref="BeginScan"/> …
/// <see cref="EndScan"/>) a process is read once, however many of the scanned views contain it. A process
/// stays in the table while some view holds it; one that no view lists any more is dropped at the end of
/// the round. A descriptor of /proc/PID outlives neither its process nor a reuse of its pid: a read then
/// fails with ESRCH, so a recycled pid is never mistaken for the old process. In steady state (no process
/// started or exited) a scan allocates nothing.
/// </summary>
public sealed partial class ProcessTable : IDisposable
{
    private const int CmdlineMax = 4096;
    private readonly SafeFdHandle _procDir;
    private readonly Dictionary<int, Entry> _entries = new(1024);
    private readonly Stack<Entry> _free = new();
    private readonly List<Entry> _orphans = new(64);
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly byte[] _pathBuffer = new byte[FdIo.MaxPath];
    private readonly bool _isRealProc;
    private ProcessView? _default;
    private ProcessFacts[] _all = new ProcessFacts[512];
    private int _allCount;
    private bool _allDirty = true;
    private int _generation;
    private int _viewStamp;
    private long _roundNowMs;
    private long _roundGrowthWindowMs;
    private int _roundDiscovered;
    private int _roundDropped;
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

    /// <summary>The processes of the last <see cref="Scan"/>, in the kernel's iteration order for its scope.</summary>
    public ReadOnlySpan<ProcessFacts> Processes => _default is null ? [] : _default.Processes;

    /// <summary>Every process some view holds, as of the last round (no particular order).</summary>
    public ReadOnlySpan<ProcessFacts> AllProcesses => _all.AsSpan(0, _allCount);

    /// <summary>How many descriptors the table holds open (three per user-space process, two per kernel thread).</summary>
    public int OpenDescriptors { get; private set; }

    /// <summary>Processes the last round met for the first time or no longer found: zero in steady state.</summary>
    public int LastScanChanges { get; private set; }

    /// <summary>A view of this table for one scope's processes, empty until its first scan.</summary>
    public ProcessView CreateView(IPidSource source) => new(this, source);

    /// <summary>Removes a view (its scope ended): the processes only it held leave the table.</summary>
    public void RemoveView(ProcessView view)
    {
        if (view.Removed || !ReferenceEquals(view.Table, this))
        {
            return;
        }

        view.Removed = true;
        ReleaseMembers(view.Members, view.Count);
        Array.Clear(view.FactsBuffer, 0, view.Count);
        view.Count = 0;
        if (SweepOrphans() > 0)
        {
            RebuildAll();
        }
    }

    /// <summary>
    /// Starts a scan round: each process the views scanned in it contain is read at most once.
    /// <paramref name="nowMs"/> is on the boot clock (<see cref="Clock.BootTimeMs"/>).
    /// </summary>
    public void BeginScan(long nowMs, long growthWindowMs)
    {
        _generation++;
        _roundNowMs = nowMs;
        _roundGrowthWindowMs = growthWindowMs;
        _roundDiscovered = 0;
        _roundDropped = 0;
    }

    /// <summary>Lists a view's processes afresh and reads those not yet read in this round. Returns the view's count.</summary>
    public int ScanView(ProcessView view) => ScanViewCore(view, view.Source, view.Pids);

    /// <summary>Ends a scan round: drops the processes no view holds any more. Returns <see cref="LastScanChanges"/>.</summary>
    public int EndScan()
    {
        SweepOrphans();
        LastScanChanges = _roundDiscovered + _roundDropped;
        if (LastScanChanges != 0 || _allDirty)
        {
            RebuildAll();
        }

        return LastScanChanges;
    }

    /// <summary>Reads one scope's processes in a round of its own (the table's own view; `pardon rank`, `top`).</summary>
    public int Scan(IPidSource source, PidList pids, long nowMs, long growthWindowMs)
    {
        _default ??= new ProcessView(this, source);
        BeginScan(nowMs, growthWindowMs);
        int count = ScanViewCore(_default, source, pids);
        EndScan();
        return count;
    }

    private int ScanViewCore(ProcessView view, IPidSource source, PidList pids)
    {
        if (view.Removed)
        {
            return 0;
        }

        view.SourceAvailable = source.Collect(pids);
        if (!view.SourceAvailable)
        {
            pids.Clear();
        }

        int generation = _generation;
        int stamp = ++_viewStamp;
        ReadOnlySpan<int> pidSpan = pids.Pids;
        ReadOnlySpan<int> groups = pids.Groups;
        int previousCount = view.Count;
        (view.Previous, view.Members) = (view.Members, view.Previous);
        if (view.Members.Length < pidSpan.Length)
        {
            view.Members = new ProcessView.Member[pidSpan.Length * 2];
        }

        if (view.FactsBuffer.Length < pidSpan.Length)
        {
            Array.Resize(ref view.FactsBuffer, pidSpan.Length * 2);
        }

        ProcessView.Member[] members = view.Members;
        int count = 0;
        for (int i = 0; i < pidSpan.Length; i++)
        {
            int pid = pidSpan[i];
            if (_entries.TryGetValue(pid, out Entry? entry))
            {
                if (entry.Generation != generation && !Refresh(entry))
                {
                    // The process exited; its pid may already belong to a new one.
                    Retire(entry);
                    entry = Discover(pid);
                }
            }
            else
            {
                entry = Discover(pid);
            }

            if (entry is null)
            {
                continue; // vanished while being read: not an error, just no longer there
            }

            if (entry.Generation != generation)
            {
                entry.Generation = generation;
                entry.Facts.Growth.Record(_roundNowMs, entry.Facts.RssPages, _roundGrowthWindowMs);
                entry.Facts.Faults.Record(_roundNowMs, entry.Facts.MajorFaults, entry.Facts.RssPages, entry.Facts.SwapPages, FaultWindowMs);
            }

            if (entry.ViewStamp == stamp)
            {
                continue; // listed twice (a process moved between cgroups while we walked)
            }

            entry.ViewStamp = stamp;
            entry.Refs++;
            members[count++] = new ProcessView.Member { Entry = entry, Group = groups[i], Position = i };
        }

        ReleaseMembers(view.Previous, previousCount);
        members.AsSpan(0, count).Sort(source.OrderIsKernelOrder ? MemberOrder.ByPosition : MemberOrder.ByStartTime);
        ProcessFacts[] facts = view.FactsBuffer;
        for (int i = 0; i < count; i++)
        {
            members[i].Entry.Facts.IterationOrder = i;
            members[i].Entry.Facts.OrderBucket = OrderBucket(source, members[i].Group, members[i].Entry.Facts);
            facts[i] = members[i].Entry.Facts;
        }

        if (previousCount > count)
        {
            Array.Clear(facts, count, previousCount - count);
        }

        view.Count = count;
        MarkVforkChildren(view.Processes);
        return count;
    }

    /// <summary>Finds a process of the table by pid.</summary>
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

        // A new text size or a new name means the process exec'd: its exe and command line changed too. An
        // exec that keeps both (another program of the same name and text size; issue 7) still moves statm, and
        // then statx of the executable tells: the kill path judges a pardon's executable from this scan.
        // The cheap guards first: a process without its own mm (or read through a thread) pays no statx.
        if (f.HasMm && f.MmThreadId == 0 && (exec || nameChanged || ExeMoved(entry.DirFd, f)))
        {
            ReadIdentity(entry.DirFd, f);
        }

        return true;
    }

    /// <summary>True when /proc/PID/exe now names another file (device + inode) than the one last read.</summary>
    private static bool ExeMoved(int dirfd, ProcessFacts f)
        => f.ExeIdentity.IsKnown && FdIo.StatAt(dirfd, "exe"u8, out Interop.Libc.Statx sx) == 0 &&
           sx.Identity != f.ExeIdentity;

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
        _roundDiscovered++;
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
        f.MajorFaults = stat.majflt;
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
            f.ExeIdentity = sx.Identity;
        }

        n = FdIo.ReadFileAt(dirfd, "cmdline"u8, _buffer.AsSpan(0, CmdlineMax));
        f.Cmdline = n > 0 ? DecodeCmdline(_buffer.AsSpan(0, n)) : "";

        n = FdIo.ReadFileAt(dirfd, "cgroup"u8, _buffer);
        f.Cgroup = n > 0 && ProcFs.TryParseMemoryCgroup(_buffer.AsSpan(0, n), out Range p, out _)
            ? Encoding.UTF8.GetString(_buffer.AsSpan(0, n)[p])
            : null;
        return true;
    }

    private void MarkVforkChildren(ReadOnlySpan<ProcessFacts> all)
    {
        // in_vfork(): the child of a vfork() shares its parent's mm until it execs or exits. Two processes
        // sharing one mm show identical statm; kcmp(KCMP_VM) then confirms it (a real /proc only).
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

    private void ReleaseMembers(ProcessView.Member[] members, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Entry e = members[i].Entry;
            members[i] = default;
            if (--e.Refs == 0 && !e.Orphaned)
            {
                // No view holds it now; dropped at the end of the round unless a view scanned later lists it.
                e.Orphaned = true;
                _orphans.Add(e);
            }
        }
    }

    /// <summary>Drops the processes no view holds; returns how many left the table.</summary>
    private int SweepOrphans()
    {
        int dropped = 0;
        foreach (Entry e in _orphans)
        {
            e.Orphaned = false;
            if (e.Refs > 0)
            {
                continue;
            }

            if (!e.Dead)
            {
                _entries.Remove(e.Facts.Pid);
                OpenDescriptors -= e.CloseAll();
                dropped++;
            }

            _free.Push(e);
        }

        _orphans.Clear();
        _roundDropped += dropped;
        return dropped;
    }

    /// <summary>An entry whose process exited: out of the table now; pooled once no view holds it.</summary>
    private void Retire(Entry entry)
    {
        _entries.Remove(entry.Facts.Pid);
        OpenDescriptors -= entry.CloseAll();
        entry.Dead = true;
        _roundDropped++;
        if (entry.Refs == 0 && !entry.Orphaned)
        {
            entry.Orphaned = true;
            _orphans.Add(entry);
        }
    }

    /// <summary>An entry never entered into the table (its process vanished while being read).</summary>
    private void Release(Entry entry)
    {
        OpenDescriptors -= entry.CloseAll();
        _free.Push(entry);
    }

    private void RebuildAll()
    {
        _allDirty = false;
        if (_all.Length < _entries.Count)
        {
            _all = new ProcessFacts[_entries.Count * 2];
        }

        int n = 0;
        foreach (Entry e in _entries.Values)
        {
            _all[n++] = e.Facts;
        }

        if (_allCount > n)
        {
            Array.Clear(_all, n, _allCount - n);
        }

        _allCount = n;
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

    internal sealed class Entry : IDisposable
    {
        public ProcessFacts Facts = new();
        public SafeFdHandle Dir = new();
        public SafeFdHandle? Statm;
        public SafeFdHandle? Adj;
        public ParsedStatm LastStatm;
        public bool ForceStatus;

        /// <summary>The scan round in which the process was last read.</summary>
        public int Generation;

        /// <summary>The last view build that listed it (a pid listed twice in one walk is taken once).</summary>
        public int ViewStamp;

        /// <summary>How many views hold it; at zero it leaves the table at the end of the round.</summary>
        public int Refs;

        /// <summary>In the list of entries to drop at the end of the round.</summary>
        public bool Orphaned;

        /// <summary>Its process exited (or the pid was reused): out of the table, descriptors closed.</summary>
        public bool Dead;

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
            ViewStamp = 0;
            Refs = 0;
            Orphaned = false;
            Dead = false;
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

    private static class MemberOrder
    {
        // Sorting a span with a cached delegate keeps a steady-state scan allocation-free (Array.Sort with
        // an IComparer wraps it in a new Comparison on every call).
        public static readonly Comparison<ProcessView.Member> ByStartTime = CompareByStartTime;
        public static readonly Comparison<ProcessView.Member> ByPosition = CompareByPosition;

        private static int CompareByPosition(ProcessView.Member x, ProcessView.Member y)
        {
            int c = x.Group.CompareTo(y.Group);
            return c != 0 ? c : x.Position.CompareTo(y.Position);
        }

        private static int CompareByStartTime(ProcessView.Member x, ProcessView.Member y)
        {
            int c = x.Group.CompareTo(y.Group);
            if (c != 0)
            {
                return c;
            }

            // Global OOM walks init_task.tasks, where fork appends: creation order. starttime has clock-tick
            // resolution, so processes born in the same tick fall back to pid order.
            c = x.Entry.Facts.StartTime.CompareTo(y.Entry.Facts.StartTime);
            return c != 0 ? c : x.Entry.Facts.Pid.CompareTo(y.Entry.Facts.Pid);
        }
    }
}
