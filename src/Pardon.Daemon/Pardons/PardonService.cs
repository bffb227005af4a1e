// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Pardons;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Events;
using Pardon.Linux.Io;
using Pardon.Linux.Processes;
using Pardon.Linux.Security;

namespace Pardon.Daemon.Pardons;

/// <summary>
/// Pardons, end to end: the socket server, the policy applied to what the kernel says about caller and
/// target, the ledger the victim selector consults, the kernel's own protection (oom_score_adj -1000 where
/// the daemon has CAP_SYS_RESOURCE), persistence across daemon restarts, and the sweep after each scan
/// that ends pardons whose process outgrew its ceiling, expired, exec'd something else, or exited.
/// Requests run on the server's threads and the sweep on the monitor's; one lock orders them, and the
/// sweep never waits for it.
/// </summary>
public sealed partial class PardonService : IDisposable, IPardonRequestHandler
{
    private readonly PardonConfig _config;
    private readonly IEventSink _events;
    private readonly Func<DaemonStatus> _status;
    private readonly string _socketPath;
    private readonly string _procRoot;
    private readonly Lock _gate = new();

    // The pidfd of every pardoned process: how an exit is noticed, and what makes a restore of
    // oom_score_adj reach the pardoned process and never a later one with its pid.
    private readonly Dictionary<PardonKey, PidFd> _pins = [];
    private readonly List<PardonEnding> _ending = new(8);
    private readonly List<PardonKey> _unseen = new(8);
    private readonly long _kibPerPage = Environment.SystemPageSize / 1024;
    private readonly int _selfPid = Environment.ProcessId;
    private PardonServer? _server;
    private readonly long _bootToUnixMs;
    private bool _kernelWarned;
    private bool _persistWarned;
    private int _disposed;

    public PardonService(PardonConfig config, IEventSink events, Func<DaemonStatus> status, string socketPath, string procRoot = "/proc")
    {
        _config = config;
        _events = events;
        _status = status;
        _socketPath = socketPath;
        _procRoot = procRoot;
        KernelProtectAvailable = config.KernelProtect && Capabilities.HasEffective(Capabilities.CapSysResource, procRoot);
        _bootToUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - Clock.BootTimeMs();
    }

    /// <summary>The pardons in force: hand it to the victim selector as its <see cref="IPardonView"/>.</summary>
    public PardonLedger Ledger { get; } = new();

    /// <summary>True when pardons bind the kernel too: CAP_SYS_RESOURCE is present and pardon.kernel_protect is on.</summary>
    public bool KernelProtectAvailable { get; private set; }

    /// <summary>The socket server's limits; tests shorten them.</summary>
    internal PardonServerOptions ServerOptions { get; init; } = new();

    /// <summary>The state file; pardon.state unless a test points elsewhere.</summary>
    internal string StatePath => _config.StateFile;

    /// <summary>
    /// Restores the persisted pardons that are still valid, binds the socket, and starts accepting in the
    /// background. Throws <see cref="IOException"/> when the socket cannot be had (another daemon answers there).
    /// </summary>
    public void Start()
    {
        if (_config.KernelProtect && !KernelProtectAvailable)
        {
            WarnKernelProtect("the daemon lacks CAP_SYS_RESOURCE");
        }

        lock (_gate)
        {
            LoadState();
        }

        _server = new PardonServer(_socketPath, this, ServerOptions, _events);
        _server.Start();
    }

    /// <summary>
    /// After each scan of the monitor: ends pardons whose process grew past its ceiling (RSS + swap),
    /// exec'd another executable, expired, or exited. Cheap and allocation-free when nothing changes; skips
    /// (until the next scan) rather than wait while a request is being decided.
    /// </summary>
    public void OnScan(ReadOnlySpan<ProcessFacts> processes, long nowBootMs)
    {
        if (Ledger.Count == 0 || !_gate.TryEnter())
        {
            return;
        }

        try
        {
            _ending.Clear();
            _unseen.Clear();
            Ledger.Sweep(processes, nowBootMs + _bootToUnixMs, _kibPerPage, _ending, _unseen);
            bool changed = _ending.Count > 0;
            foreach (PardonKey key in _unseen)
            {
                // Not in this scan: exited, or alive outside the monitored scope (a cgroup-scoped daemon).
                if (!_pins.TryGetValue(key, out PidFd? pin) || pin.HasExited)
                {
                    if (Ledger.Find(key) is PardonGrant gone)
                    {
                        End(gone, PardonCodes.Exited, -1, requester: null, detail: null);
                        changed = true;
                    }
                }
                else if (ProcessInspector.TryReadUsedKiB(key.Pid, out long used, _procRoot) && !pin.HasExited &&
                         Ledger.RecordUsage(key, used) && Ledger.Find(key) is PardonGrant grown)
                {
                    _ending.Add(new PardonEnding(grown, PardonCodes.CeilingExceeded, used));
                    changed = true;
                }
            }

            foreach (PardonEnding e in _ending)
            {
                End(e.Grant, e.Code, e.UsedKiB, requester: null, detail: null);
            }

            if (changed)
            {
                Persist();
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// Stops accepting and persists the ledger. Pardons stay in force (oom_score_adj included) so that a
    /// restarted daemon takes them over; the next Start() re-validates each.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _server?.Dispose();
        lock (_gate)
        {
            Persist();
            foreach (PidFd pin in _pins.Values)
            {
                pin.Dispose();
            }

            _pins.Clear();
        }
    }

    /// <summary>Ends one pardon: out of the ledger, oom_score_adj restored (unless the process exited), one event.</summary>
    private void End(PardonGrant grant, string code, long usedKiB, PardonPeer? requester, string? detail)
    {
        var key = new PardonKey(grant.Pid, grant.StartTime);
        Ledger.Remove(key);
        bool restored = false;
        if (_pins.Remove(key, out PidFd? pin))
        {
            if (grant.KernelProtected && code != PardonCodes.Exited && grant.PreviousOomScoreAdj is short previous)
            {
                restored = OomScoreAdj.Write(pin, previous, _procRoot) == 0;
            }

            pin.Dispose();
        }

        string who = Describe(grant);
        string why = code switch
        {
            PardonCodes.CeilingExceeded => $"revoked the pardon of {who}: it uses {Units.FormatKiB(usedKiB)} (RSS + swap), above its {Units.FormatKiB(grant.MaxRssKiB)} ceiling ({grant.Rule})",
            PardonCodes.Expired => $"the pardon of {who} expired",
            PardonCodes.ExeChanged => $"revoked the pardon of {who}: it exec'd another executable since the pardon was granted for {grant.Exe}",
            PardonCodes.Exited => $"the pardon of {who} ended: the process exited",
            PardonCodes.Released => $"released the pardon of {who} at the request of uid {requester?.Uid} (pid {requester?.Pid})",
            _ => $"dropped the pardon of {who}: {detail}",
        };
        if (restored)
        {
            why += $"; oom_score_adj restored to {grant.PreviousOomScoreAdj}";
        }

        bool released = code is PardonCodes.Released or PardonCodes.Exited;
        Emit(released ? "pardon_released" : "pardon_revoked", why, grant, code, requester, usedKiB >= 0 ? usedKiB : null);
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
}
