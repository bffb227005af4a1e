// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Collections.Concurrent;
using Pardon.Core;
using Pardon.Core.Pardons;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Events;
using Pardon.Linux.Io;
using Pardon.Linux.Monitoring;
using Pardon.Linux.Processes;
using Pardon.Linux.Security;
using Pardon.Linux.Sockets;

namespace Pardon.Daemon.Pardons;

/// <summary>
/// Pardons, end to end. Each thread owns its part, and none waits for another that a client could hold up:
/// <list type="bullet">
/// <item>The <b>pardon worker</b> (a thread of its own) owns the pardons: it decides requests (the policy applied
/// to what the kernel says about caller and target), writes the state file (fsync), sets and restores
/// oom_score_adj, emits the grant and revocation events, re-verifies every pardon on each sweep (alive, same
/// start time, same executable by statx, memory held under the ceiling, not expired; in the monitored scope or
/// not), and after each change publishes an immutable <see cref="PardonSnapshot"/>.</item>
/// <item><b>Socket threads</b> (<see cref="PardonServer"/>) parse, resolve and inspect the target, post the request
/// to the worker and wait for its answer; `list` and `status` are answered from the snapshot directly.</item>
/// <item>The <b>monitor</b> reads the snapshot through <see cref="View"/> (lock-free, allocation-free) and, after
/// each scan, posts what it saw (<see cref="OnScan"/>): never a lock, never a wait. Its rankings judge ceilings
/// and executables from their own scan (<see cref="PardonStanding"/>), so a busy worker or socket changes
/// nothing about who is killed.</item>
/// </list>
/// </summary>
public sealed partial class PardonService : IDisposable, IPardonRequestHandler
{
    private readonly PardonConfig _config;
    private readonly IEventSink _events;
    private readonly Func<DaemonStatus> _status;
    private readonly string _socketPath;
    private readonly string _procRoot;
    private readonly int _selfPid = Environment.ProcessId;
    private readonly long _bootToUnixMs;
    private readonly long _pageSize = Environment.SystemPageSize;
    private readonly FileIdentity _ownPidNamespace;

    // Shared without locks.
    private readonly ObservationRing _observations = new();
    private readonly ConcurrentQueue<PardonJob> _jobs = new();
    private readonly EventFd _wake = new();
    private int _queuedJobs;
    private volatile bool _stopping;
    private int _disposed;
    private bool _kernelProtectAvailable;

    // Owned by the worker thread (and by Start, before the thread runs).
    private readonly Dictionary<PardonKey, Pardoned> _entries = [];
    private readonly List<(PardonKey Key, string Code, long HeldKiB)> _ending = [];
    private readonly PardonProbe _probe;
    private PardonStateStore? _store;
    private PardonServer? _server;
    private Thread? _worker;
    private bool _publishPending;
    private bool _persistPending;
    private bool _kernelWarned;
    private bool _persistWarned;

    public PardonService(PardonConfig config, IEventSink events, Func<DaemonStatus> status, string socketPath, string procRoot = "/proc")
    {
        _config = config;
        _events = events;
        _status = status;
        _socketPath = socketPath;
        _procRoot = procRoot;
        _probe = new PardonProbe(procRoot);
        _kernelProtectAvailable = config.KernelProtect && Capabilities.HasEffective(Capabilities.CapSysResource, procRoot);
        _bootToUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - Clock.BootTimeMs();
        _ownPidNamespace = PidNamespace.OfSelf(procRoot);
        ServerOptions = config.ToServerOptions();
        SweepInterval = config.PardonSweepInterval;
    }

    /// <summary>The pardons in force: hand it to the victim selector as its <see cref="IPardonView"/>. Lock-free.</summary>
    public PublishedPardons View { get; } = new();

    /// <summary>True when pardons bind the kernel too: CAP_SYS_RESOURCE is present and pardon.kernel_protect is on.</summary>
    public bool KernelProtectAvailable => Volatile.Read(ref _kernelProtectAvailable);

    /// <summary>Observations from the monitor dropped because the worker had fallen behind (it re-verifies on its own sweeps).</summary>
    public long DroppedObservations => _observations.Dropped;

    /// <summary>The socket server's limits; tests shorten them.</summary>
    internal PardonServerOptions ServerOptions { get; init; }

    /// <summary>How often the worker re-verifies every pardon.</summary>
    internal TimeSpan SweepInterval { get; init; }

    /// <summary>The state file.</summary>
    internal string StatePath => _config.StateFile;

    /// <summary>The socket server, once started.</summary>
    internal PardonServer? Server => _server;

    /// <summary>
    /// Takes the state file's lock, binds the socket, restores the persisted pardons that are still valid, and
    /// starts the worker and the socket server. In that order: a second daemon (the lock is taken, or another
    /// daemon answers at the socket) fails with <see cref="IOException"/> before it has read or written anything.
    /// </summary>
    public void Start()
    {
        if (_config.KernelProtect && !KernelProtectAvailable)
        {
            WarnKernelProtect("the daemon lacks CAP_SYS_RESOURCE");
        }

        _store = PardonStateStore.Open(StatePath);
        _server = new PardonServer(_socketPath, this, ServerOptions, _events);
        _server.Bind();
        LoadState();
        Commit();
        _worker = new Thread(RunWorker) { Name = "pardon-worker", IsBackground = true };
        _worker.Start();
        _server.StartAccepting();
    }

    /// <summary>
    /// After each scan of the monitor, on its thread: for each pardoned process of the scan whose pardon does
    /// not hold (above its ceiling, another executable), posts what it saw to the worker, which revokes it. No
    /// lock, no wait, no allocation; free when no pardon exists.
    /// </summary>
    public void OnScan(ReadOnlySpan<ProcessFacts> processes, long nowBootMs)
    {
        PardonSnapshot snapshot = View.Current;
        if (snapshot.Count == 0 || _stopping)
        {
            return;
        }

        bool posted = false;
        foreach (ProcessFacts p in processes)
        {
            if (snapshot.Find(p) is not { } grant)
            {
                continue;
            }

            PardonLapse lapse = PardonStanding.Judge(grant, p, _pageSize);
            if (lapse != PardonLapse.None)
            {
                posted |= _observations.TryWrite(new PardonObservation(new PardonKey(p.Pid, p.StartTime), lapse, PardonStanding.HeldKiB(grant, p, _pageSize)));
            }
        }

        if (posted)
        {
            _wake.Signal();
        }

        _ = nowBootMs;
    }

    /// <summary>Waits until the worker has handled everything posted before this call (tests, and shutdown).</summary>
    internal void Flush(TimeSpan? timeout = null)
    {
        if (_worker is null)
        {
            return;
        }

        var barrier = new PardonJob(static () => new PardonResponse { Ok = true }, abandon: null);
        if (Post(barrier))
        {
            barrier.Done.Task.Wait(timeout ?? TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// Stops accepting, stops the worker and persists the pardons (only if they were loaded: a daemon that could
    /// not start never writes). Pardons stay in force (oom_score_adj included) so that a restarted daemon takes
    /// them over; its Start() re-validates each.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _server?.Dispose();
        _stopping = true;
        _wake.Signal();
        _worker?.Join();
        while (_jobs.TryDequeue(out PardonJob? job))
        {
            job.Abandon("internal error: the daemon is stopping");
        }

        if (_store is not null)
        {
            if (_persistPending || _store.MayWrite)
            {
                Persist();
            }

            _store.Dispose();
        }

        foreach (Pardoned e in _entries.Values)
        {
            e.Pin.Dispose();
        }

        _entries.Clear();

        // _wake is left to its finalizer: a monitor still posting after Dispose must never write into a
        // descriptor number that has since been reused for something else.
    }

    /// <summary>Queues a job for the worker; false (the job abandoned) when too many wait already or the daemon stops.</summary>
    private bool Post(PardonJob job)
    {
        if (_stopping || Interlocked.Increment(ref _queuedJobs) > ServerOptions.MaxQueuedRequests)
        {
            Interlocked.Decrement(ref _queuedJobs);
            job.Abandon(_stopping ? "internal error: the daemon is stopping" : "busy: the daemon has too many requests waiting; try again in a moment", _stopping ? PardonCodes.Internal : PardonCodes.Busy);
            return false;
        }

        _jobs.Enqueue(job);
        _wake.Signal();
        return true;
    }

    private void WarnKernelProtect(string why)
    {
        if (_kernelWarned)
        {
            return;
        }

        _kernelWarned = true;
        _events.Emit(new DaemonEvent
        {
            Event = "warning",
            Code = "kernel_protect_unavailable",
            KernelProtected = false,
            Message = $"pardons bind Pardon only, not the kernel: {why}, which setting oom_score_adj to -1000 requires " +
                "(fs/proc/base.c); the kernel's own OOM killer may still choose a pardoned process",
        });
    }

    private void Emit(string kind, string message, PardonGrant grant, string? code, PardonPeer? requester, long? usedKiB)
        => _events.Emit(new DaemonEvent
        {
            Event = kind,
            Message = message,
            Code = code,
            Pid = grant.Pid,
            Comm = grant.Comm,
            Exe = grant.Exe,
            Uid = grant.OwnerUid,
            RequesterUid = requester?.Uid ?? grant.RequestedByUid,
            RequesterPid = requester?.Pid ?? grant.RequestedByPid,
            Rule = grant.Rule,
            MaxRssKiB = grant.MaxRssKiB,
            RssKiB = usedKiB,
            Expires = grant.ExpiresAtUnixMs is long e ? EventLog.FormatTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(e)) : null,
            KernelProtected = grant.KernelProtected,
            Reason = grant.Reason.Length > 0 ? grant.Reason : null,
        });

    private static string Describe(PardonGrant g) => $"{g.Pid} ({g.Comm})";

    private long NowUnixMs() => Clock.BootTimeMs() + _bootToUnixMs;

    /// <summary>A pardon in force and the pidfd that pins its process (how an exit is noticed, and what makes every oom_score_adj write reach that process only).</summary>
    private sealed class Pardoned(PardonGrant grant, PidFd pin)
    {
        public PardonGrant Grant { get; set; } = grant;

        public PidFd Pin { get; set; } = pin;
    }
}
