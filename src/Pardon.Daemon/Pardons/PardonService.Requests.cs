// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Pardons;
using Pardon.Daemon.Events;
using Pardon.Linux.Io;
using Pardon.Linux.Processes;
using Pardon.Linux.Sockets;

namespace Pardon.Daemon.Pardons;

public sealed partial class PardonService
{
    Task<PardonResponse> IPardonRequestHandler.HandleAsync(PardonPeer peer, PardonRequest request, CancellationToken cancellationToken)
        => HandleAsync(peer, request, cancellationToken);

    /// <summary>Answers one request synchronously (tests; the server uses <see cref="HandleAsync"/>).</summary>
    internal PardonResponse Handle(PardonPeer peer, PardonRequest request)
        => HandleAsync(peer, request, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Answers one request from <paramref name="peer"/> (whose identity the kernel gave). `list` and `status` are
    /// answered here from the published snapshot; `request` and `release` have their target resolved and
    /// inspected here, then are decided by the worker.
    /// </summary>
    internal async Task<PardonResponse> HandleAsync(PardonPeer peer, PardonRequest request, CancellationToken cancellationToken)
    {
        PardonJob job;
        switch (request.Op)
        {
            case PardonOp.List:
                return List();
            case PardonOp.Status:
                return Status();
            case PardonOp.Request:
                PardonResponse? refused = PrepareGrant(peer, request, out PardonJob? grant);
                if (refused is not null)
                {
                    return refused;
                }

                job = grant!;
                break;
            default:
                PardonResponse? notReleased = PrepareRelease(peer, request, out PardonJob? release);
                if (notReleased is not null)
                {
                    return notReleased;
                }

                job = release!;
                break;
        }

        if (_worker is null)
        {
            // Not started (tests that drive the service by hand): run it here, as the worker would.
            PardonResponse direct = RunJob(job);
            Commit();
            return direct;
        }

        Post(job);
        try
        {
            return await job.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return PardonResponse.Failure(PardonCodes.Internal, "internal error: the daemon did not decide in time; `pardon list` shows whether it was granted");
        }
    }

    /// <summary>
    /// Pins and inspects the target of a request on the calling thread (procfs reads take no lock); a refusal
    /// that needs no policy comes back at once, otherwise the job for the worker.
    /// </summary>
    private PardonResponse? PrepareGrant(PardonPeer peer, PardonRequest request, out PardonJob? job)
    {
        job = null;
        PardonResponse? refused = ResolveTarget(peer, request, out PidFd? pin, out int pid);
        if (refused is not null)
        {
            return refused;
        }

        bool handedOver = false;
        try
        {
            // The caller's own pid came from SO_PEERCRED at connect time. With SO_PEERPIDFD the daemon knows
            // whether the caller still lives: if it does after the pidfd above was opened, that pidfd is the
            // caller's and not a later process's that got the pid.
            if (request.Pid is null && request.TargetPidFd is null && peer.PidFd is { } callerFd && !callerFd.IsAlive)
            {
                return Deny(peer, pid, PardonCodes.NoSuchProcess, $"process {pid} (the caller) exited before its request was decided");
            }

            if (!ProcessInspector.TryInspect(pin!, out PardonTarget target, _procRoot))
            {
                return Deny(peer, pid, PardonCodes.NoSuchProcess, $"process {pid} exited while its request was checked");
            }

            PidFd owned = pin!;
            job = new PardonJob(() => Grant(peer, request, owned, target), abandon: owned.Dispose);
            handedOver = true;
            return null;
        }
        finally
        {
            if (!handedOver)
            {
                pin!.Dispose();
            }
        }
    }

    /// <summary>
    /// The target of a request or release, pinned by a pidfd: the pidfd the client passed (its pid in the
    /// daemon's namespace read from fdinfo), a bare pid (only from a client in the daemon's own pid namespace:
    /// elsewhere the same number names another process), or the caller itself (SO_PEERCRED).
    /// </summary>
    private PardonResponse? ResolveTarget(PardonPeer peer, PardonRequest request, out PidFd? pin, out int pid)
    {
        pin = null;
        pid = request.Pid ?? peer.Pid;
        if (request.UsesPidFd || request.TargetPidFd is not null)
        {
            SafeFdHandle? passed = request.TargetPidFd?.Take();
            if (passed is null)
            {
                return Deny(peer, pid, PardonCodes.BadRequest,
                    "bad request: \"pidfd\": true, but no descriptor came with the line (send the pidfd with SCM_RIGHTS in the same sendmsg as the request)");
            }

            if (!PidFdInfo.IsPidFd(passed.Fd))
            {
                passed.Dispose();
                return Deny(peer, pid, PardonCodes.BadRequest, "bad request: the descriptor sent with the request is not a pidfd");
            }

            pid = PidFdInfo.ReadPid(passed.Fd);
            if (pid == 0)
            {
                passed.Dispose();
                return Deny(peer, pid, PardonCodes.BadRequest, "bad request: the pidfd names a process in a pid namespace the daemon cannot see");
            }

            pin = pid > 0 ? PidFd.Adopt(passed, pid, _procRoot) : null;
            if (pid < 0)
            {
                passed.Dispose();
            }

            if (pin is not null && !ProcessInspector.IsProcess(pid, _procRoot))
            {
                pin.Dispose();
                pin = null;
                return Deny(peer, pid, PardonCodes.BadRequest, $"bad request: the pidfd names thread {pid}, not a process; send a pidfd of the process (pidfd_open without PIDFD_THREAD)");
            }

            return pin is null ? Deny(peer, Math.Max(pid, 0), PardonCodes.NoSuchProcess, "the process the pidfd names has exited") : null;
        }

        if (request.Pid is int bare && !FromOwnNamespace(peer))
        {
            return Deny(peer, bare, PardonCodes.BadRequest,
                $"bad request: you are in another pid namespace than the daemon, where pid {bare} is another process; " +
                "send the target as a pidfd (\"pidfd\": true with SCM_RIGHTS; `pardon request` and `pardon run` do so), or omit \"pid\" to mean yourself");
        }

        if (pid <= 0)
        {
            return Deny(peer, pid, PardonCodes.BadRequest,
                "bad request: the daemon cannot see your process id (another pid namespace?); send the target as a pidfd");
        }

        pin = PidFd.TryOpen(pid, null, out _, _procRoot);
        return pin is null ? Deny(peer, pid, PardonCodes.NoSuchProcess, $"no process {pid}") : null;
    }

    /// <summary>True when the caller shares the daemon's pid namespace, so a pid it sends means the same process here.</summary>
    private bool FromOwnNamespace(PardonPeer peer) => peer.PidNamespace.IsKnown && peer.PidNamespace == _ownPidNamespace;

    /// <summary>The worker's half of a request: the policy, the kernel's protection, the ledger.</summary>
    private PardonResponse Grant(PardonPeer peer, PardonRequest request, PidFd pin, PardonTarget target)
    {
        bool keep = false;
        try
        {
            // Judge the ceiling by the memory it holds (memfds and the like included), not by RSS alone.
            if (_probe.TryProbe(pin, out PardonProbeFacts facts))
            {
                target = target with { UsedKiB = facts.Memory.HeldKiB };
            }
            else if (pin.HasExited)
            {
                return Deny(peer, pin.Pid, PardonCodes.NoSuchProcess, $"process {pin.Pid} exited while its request was checked");
            }

            var key = new PardonKey(pin.Pid, target.StartTime);
            _entries.TryGetValue(key, out Pardoned? existing);
            long now = NowUnixMs();
            PardonDecision decision = PardonPolicy.Decide(new PardonQuery
            {
                CallerUid = peer.Uid,
                CallerPid = peer.Pid,
                Target = target,
                RequestedTtlMs = request.TtlMs,
                HeldByCaller = CountRequestedBy(peer.Uid) - (existing?.Grant.RequestedByUid == peer.Uid ? 1 : 0),
                NowUnixMs = now,
            }, PolicySettings());
            if (!decision.Granted)
            {
                return Deny(peer, pin.Pid, decision.Code, decision.Message, target);
            }

            // A renewal keeps the oom_score_adj saved by the first grant: the current value is Pardon's -1000.
            bool kernelProtected = existing?.Grant.KernelProtected ?? false;
            short? previous = existing?.Grant.PreviousOomScoreAdj;
            if (!kernelProtected && KernelProtectAvailable)
            {
                (kernelProtected, previous) = ProtectInKernel(pin);
            }

            var grant = new PardonGrant
            {
                Pid = pin.Pid,
                StartTime = target.StartTime,
                Comm = target.Comm,
                Exe = target.Exe,
                ExeIdentity = target.ExeIdentity,
                OwnerUid = target.Uid,
                RequestedByUid = peer.Uid,
                RequestedByPid = peer.Pid,
                Reason = request.Reason ?? "",
                Rule = decision.Rule,
                MaxRssKiB = decision.CeilingKiB,
                GrantedAtUnixMs = now,
                ExpiresAtUnixMs = decision.ExpiresAtUnixMs,
                KernelProtected = kernelProtected,
                PreviousOomScoreAdj = previous,
                HeldKiB = target.UsedKiB,
                OutsideRssKiB = facts.Memory.OutsideRssKiB,
            };
            if (existing is not null)
            {
                existing.Pin.Dispose();
            }

            _entries[key] = new Pardoned(grant, pin);
            keep = true;
            _publishPending = true;
            _persistPending = true;

            string expiry = grant.ExpiresAtUnixMs is long e
                ? "until " + EventLog.FormatTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(e))
                : "without expiry";
            string ceiling = grant.MaxRssKiB > 0 ? "ceiling " + Units.FormatKiB(grant.MaxRssKiB) : "no ceiling";
            Emit("pardon_granted",
                $"{(existing is null ? "pardoned" : "renewed the pardon of")} {grant.Pid} ({target.Comm}) {target.Exe} for uid {peer.Uid} by {decision.Rule}: " +
                $"{ceiling}, {expiry}; kernel protection {(kernelProtected ? "on (oom_score_adj -1000)" : "off")}",
                grant, code: null, peer, target.UsedKiB);
            return new PardonResponse
            {
                Ok = true,
                Pardon = PardonInfo.From(grant),
                Renewed = existing is not null,
                KernelProtect = KernelProtectAvailable,
            };
        }
        finally
        {
            if (!keep)
            {
                pin.Dispose();
            }
        }
    }

    /// <summary>Sets oom_score_adj to -1000, remembering the old value. A refusal for want of the capability is a fact to report once, not a failure.</summary>
    private (bool Protected, short? Previous) ProtectInKernel(PidFd pin)
    {
        if (!OomScoreAdj.TryRead(pin.Pid, out short current, _procRoot))
        {
            return (false, null);
        }

        int errno = OomScoreAdj.Write(pin, OomScoreAdj.Min, _procRoot);
        if (errno == OomScoreAdj.NotPermitted)
        {
            // CAP_SYS_RESOURCE is in CapEff, yet the kernel refused: capable() checks the initial user
            // namespace, so this is a container. Stop trying.
            Volatile.Write(ref _kernelProtectAvailable, false);
            WarnKernelProtect("the kernel refused to lower oom_score_adj (EACCES: CAP_SYS_RESOURCE is needed in the initial user namespace)");
            return (false, null);
        }

        return errno == 0 ? (true, current) : (false, null);
    }

    /// <summary>Resolves which pardon a release means: a passed pidfd (exact), a pid with its start time (exact, from any namespace), or a bare pid (own namespace only).</summary>
    private PardonResponse? PrepareRelease(PardonPeer peer, PardonRequest request, out PardonJob? job)
    {
        job = null;
        PardonKey? exact = null;
        int pid = request.Pid ?? peer.Pid;
        if (request.UsesPidFd || request.TargetPidFd is not null)
        {
            PardonResponse? refused = ResolveTarget(peer, request, out PidFd? pin, out pid);
            if (refused is not null)
            {
                return refused;
            }

            exact = new PardonKey(pin!.Pid, pin.StartTime);
            pin.Dispose();
        }
        else if (request.StartTime is ulong startTime)
        {
            // pid and start time as the daemon reported them name one ledger entry, whoever asks.
            exact = new PardonKey(pid, startTime);
        }
        else if (request.Pid is int bare && !FromOwnNamespace(peer))
        {
            return PardonResponse.Failure(PardonCodes.BadRequest,
                $"bad request: you are in another pid namespace than the daemon, where pid {bare} is another process; send the target as a pidfd, or give \"start_time\" with the pid `pardon list` shows");
        }

        job = new PardonJob(() => Release(peer, exact, pid), abandon: null);
        return null;
    }

    private PardonResponse Release(PardonPeer peer, PardonKey? exact, int pid)
    {
        Pardoned? entry = null;
        PardonKey key = default;
        if (exact is PardonKey k)
        {
            if (_entries.TryGetValue(k, out entry))
            {
                key = k;
            }
        }
        else
        {
            foreach ((PardonKey candidate, Pardoned e) in _entries)
            {
                if (candidate.Pid == pid)
                {
                    (key, entry) = (candidate, e);
                    break;
                }
            }
        }

        if (entry is null)
        {
            return PardonResponse.Failure(PardonCodes.NotPardoned, $"process {pid} holds no pardon");
        }

        PardonGrant grant = entry.Grant;
        if (peer.Uid != 0 && peer.Uid != grant.OwnerUid && peer.Uid != grant.RequestedByUid)
        {
            return PardonResponse.Failure(PardonCodes.NotOwner,
                $"denied: the pardon of process {grant.Pid} ({grant.Comm}) was asked for by uid {grant.RequestedByUid} for a process of uid {grant.OwnerUid}; " +
                $"you are uid {peer.Uid}, so you may not release it");
        }

        PardonGrant ended = End(key, PardonCodes.Released, grant.HeldKiB, peer) ?? grant;
        return new PardonResponse { Ok = true, Pardon = PardonInfo.From(ended), KernelProtect = KernelProtectAvailable };
    }

    private int CountRequestedBy(uint uid)
    {
        int n = 0;
        foreach (Pardoned e in _entries.Values)
        {
            if (e.Grant.RequestedByUid == uid)
            {
                n++;
            }
        }

        return n;
    }

    private PardonResponse List()
    {
        IReadOnlyList<PardonGrant> grants = View.Current.Grants;
        var pardons = new List<PardonInfo>(grants.Count);
        foreach (PardonGrant g in grants)
        {
            pardons.Add(PardonInfo.From(g));
        }

        return new PardonResponse { Ok = true, Pardons = pardons, KernelProtect = KernelProtectAvailable, DaemonPid = _selfPid };
    }

    private PardonResponse Status()
    {
        DaemonStatus status;
        try
        {
            status = _status();
        }
        catch (Exception ex)
        {
            return PardonResponse.Failure(PardonCodes.Internal, "internal error: the daemon's status is unavailable: " + ex.Message);
        }

        return new PardonResponse { Ok = true, Status = status, KernelProtect = KernelProtectAvailable, DaemonPid = _selfPid };
    }

    private PardonResponse Deny(PardonPeer peer, int pid, string code, string message, PardonTarget? target = null)
    {
        _events.Emit(new DaemonEvent
        {
            Event = "pardon_denied",
            Code = code,
            Message = message,
            Pid = pid,
            Comm = target?.Comm,
            Exe = target?.Exe,
            Uid = target?.Uid,
            RequesterUid = peer.Uid,
            RequesterPid = peer.Pid,
            RssKiB = target?.UsedKiB,
        });
        return PardonResponse.Failure(code, message);
    }

    /// <summary>The policy's view of the configuration, each allow rule resolved to the file its path names now.</summary>
    private PardonPolicySettings PolicySettings()
    {
        var rules = new List<PardonAllowRule>(_config.Allow.Count);
        foreach (Configuration.AllowRule r in _config.Allow)
        {
            rules.Add(new PardonAllowRule
            {
                Name = r.Source,
                Exe = r.Exe,
                Identity = ProcessInspector.IdentityOf(r.Exe),
                MaxRssKiB = r.MaxRssBytes is long bytes ? bytes / 1024 : null,
                MaxTtlMs = r.MaxTtl is TimeSpan ttl ? (long)ttl.TotalMilliseconds : null,
                Users = r.Users,
                UserNames = r.UserNames,
            });
        }

        return new PardonPolicySettings
        {
            RootMayPardonAny = _config.RootMayPardonAny,
            DefaultMaxRssKiB = _config.DefaultMaxRssBytes / 1024,
            MaxPerUser = _config.MaxPardonsPerUser,
            Allow = rules,
            DaemonPid = _selfPid,
        };
    }
}
