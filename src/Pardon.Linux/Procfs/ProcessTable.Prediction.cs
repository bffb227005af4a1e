// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Io;

namespace Pardon.Linux.Procfs;

/// <summary>
/// The kernel's hard cases (issue 10), kept apart from the scan itself: the rss counter the running kernel
/// reads, processes whose main thread has exited while others run, the pid namespace's init, and how far the
/// iteration order the table reports is known.
/// </summary>
public sealed partial class ProcessTable
{
    private readonly DirectoryReader _taskReader = new();
    private readonly int[] _tids = new int[8];
    private RssCounter _rssCounter;

    /// <summary>
    /// The rss figure oom_badness() reads on this kernel (see <see cref="RssCounter"/>); for the real /proc it
    /// starts as <see cref="KernelRssCounterProbe.Current"/>, for fixtures as the approximate counter.
    /// Changing it re-applies to every process at once.
    /// </summary>
    public RssCounter RssCounter
    {
        get => _rssCounter;
        set
        {
            _rssCounter = value;
            foreach (Entry e in _entries.Values)
            {
                e.Facts.KernelRssPages = value == RssCounter.Precise ? null : e.Facts.ApproximateRssPages;
            }
        }
    }

    /// <summary>Whose /proc this is: in a child pid namespace its pid 1 is not is_global_init().</summary>
    public PidNamespaceKind PidNamespace { get; private set; }

    private void InitializePrediction(string procRoot)
    {
        _rssCounter = _isRealProc ? KernelRssCounterProbe.Current.Counter : RssCounter.Approximate;
        PidNamespace = PidNamespaces.Detect(procRoot);
    }

    /// <summary>stat's rss (field 24): kept, and used as get_mm_rss() when the kernel reads the approximate counters.</summary>
    private void SetApproximateRss(ProcessFacts f, long statRss)
    {
        if (f.MmThreadId != 0)
        {
            return; // the leader's stat shows no mm; the live thread's was read instead
        }

        f.ApproximateRssPages = statRss;
        f.KernelRssPages = _rssCounter == RssCounter.Precise ? null : statRss;
    }

    private void SetIdentityFacts(ProcessFacts f)
    {
        // is_global_init(): task_tgid_nr(p) == 1 in the initial namespace only.
        f.IsGlobalInit = f.Pid == 1 && PidNamespace != PidNamespaceKind.Child;
    }

    /// <summary>
    /// Where the kernel's order among processes of one bucket cannot be known: cgroup v1 lists a memcg's
    /// processes sorted by pid (cgroup1 pidlists), not in css_set order; the system's task list is in creation
    /// order, which start times show to the clock tick. cgroup v2's cgroup.procs is the kernel's own order.
    /// </summary>
    private static long? OrderBucket(IPidSource source, int group, ProcessFacts facts)
        => source.OrderIsKernelOrder ? null
        : source is Cgroups.CgroupPidSource ? group
        : (long)facts.StartTime;

    /// <summary>
    /// The main thread has exited but the process lives on (status shows a zombie with other threads): the
    /// kernel scores and kills it through any thread that still has the mm (find_lock_task_mm(); the thread
    /// group's pidfd and SIGKILL reach them all). Reads the memory figures — status, stat's rss, and identity if
    /// still unknown — through the first such thread of /proc/PID/task. Returns false when there is none.
    /// </summary>
    private bool ReadThroughLiveThread(int dirfd, ProcessFacts f)
    {
        f.MmThreadId = 0;
        int taskFd = FdIo.OpenAt(dirfd, "task"u8, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY);
        if (taskFd < 0)
        {
            return false;
        }

        try
        {
            var state = new TaskState(f.Pid, _tids);
            _taskReader.ForEach(taskFd, ref state, static (ref TaskState s, ReadOnlySpan<byte> name, byte type, ulong inode) =>
            {
                if (s.Count < s.Tids.Length && Utf8Number.TryParseInt32(name, out int tid) && tid != s.Leader)
                {
                    s.Tids[s.Count++] = tid;
                }
            });

            for (int i = 0; i < state.Count; i++)
            {
                int len = Utf8Number.Format(state.Tids[i], _pathBuffer);
                int threadFd = FdIo.OpenAt(taskFd, _pathBuffer.AsSpan(0, len), Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY);
                if (threadFd < 0)
                {
                    continue;
                }

                try
                {
                    if (ReadThreadMemory(threadFd, f, state.Tids[i]))
                    {
                        return true;
                    }
                }
                finally
                {
                    Interop.Libc.Close(threadFd);
                }
            }

            return false;
        }
        finally
        {
            Interop.Libc.Close(taskFd);
        }
    }

    private bool ReadThreadMemory(int threadFd, ProcessFacts f, int tid)
    {
        int n = FdIo.ReadRecordAt(threadFd, "status"u8, _buffer);
        if (n <= 0 || !ProcFs.TryParseStatus(_buffer.AsSpan(0, n), out ParsedStatus status) || !status.HasMm)
        {
            return false;
        }

        long kibPerPage = PageSize / 1024;
        f.HasMm = true;
        f.RssAnonPages = status.RssAnon / kibPerPage;
        f.RssFilePages = status.RssFile / kibPerPage;
        f.RssShmemPages = status.RssShmem / kibPerPage;
        f.SwapPages = status.VmSwap / kibPerPage;
        f.PgTablesBytes = status.VmPTE * 1024;
        f.SigKillPending |= status.SigKillPending;

        n = FdIo.ReadRecordAt(threadFd, "stat"u8, _buffer);
        if (n <= 0 || !ProcFs.TryParseStat(_buffer.AsSpan(0, n), out ParsedStat stat))
        {
            return false;
        }

        f.MmThreadId = 0;
        SetApproximateRss(f, stat.rss);
        f.MmThreadId = tid;
        if (f.Exe is null)
        {
            // The leader's exe and cmdline go with its mm; the thread's show the same program.
            ReadIdentity(threadFd, f);
        }

        return true;
    }

    private struct TaskState
    {
        public TaskState(int leader, int[] tids)
        {
            Leader = leader;
            Tids = tids;
        }

        public int Leader;
        public int[] Tids; // the first few threads: one with the mm is all that is needed
        public int Count;
    }
}
