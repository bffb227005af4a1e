// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Pardons;
using Pardon.Daemon.Events;
using Pardon.Linux.Processes;

namespace Pardon.Daemon.Pardons;

public sealed partial class PardonService
{
    PardonResponse IPardonRequestHandler.Handle(PardonPeer peer, PardonRequest request) => Handle(peer, request);

    /// <summary>Answers one request from <paramref name="peer"/> (whose identity the kernel gave).</summary>
    internal PardonResponse Handle(PardonPeer peer, PardonRequest request)
    {
        switch (request.Op)
        {
            case PardonOp.List:
                return List();
            case PardonOp.Status:
                return Status();
        }

        lock (_gate)
        {
            return request.Op == PardonOp.Request ? Grant(peer, request) : Release(peer, request);
        }
    }

    private PardonResponse Grant(PardonPeer peer, PardonRequest request)
    {
        int pid = request.Pid ?? peer.Pid;
        if (pid <= 0)
        {
            return Deny(peer, pid, PardonCodes.BadRequest,
                "bad request: the daemon cannot see your process id (another pid namespace?); give \"pid\" explicitly");
        }

        PidFd? pin = PidFd.TryOpen(pid, null, out _, _procRoot);
        if (pin is null)
        {
            return Deny(peer, pid, PardonCodes.NoSuchProcess, $"no process {pid}");
        }

        bool keep = false;
        try
        {
            // The caller's own pid came from SO_PEERCRED at connect time. With SO_PEERPIDFD the daemon knows
            // whether the caller still lives: if it does after the pidfd above was opened, that pidfd is the
            // caller's and not a later process's that got the pid.
            if (pid == peer.Pid && peer.PidFd is { } callerFd && !callerFd.IsAlive)
            {
                return Deny(peer, pid, PardonCodes.NoSuchProcess, $"process {pid} (the caller) exited before its request was decided");
            }

            if (!ProcessInspector.TryInspect(pin, out PardonTarget target, _procRoot))
            {
                return Deny(peer, pid, PardonCodes.NoSuchProcess, $"process {pid} exited while its request was checked");
            }

            var key = new PardonKey(pid, target.StartTime);
            PardonGrant? existing = Ledger.Find(key);
            long now = NowUnixMs();
            PardonDecision decision = PardonPolicy.Decide(new PardonQuery
            {
                CallerUid = peer.Uid,
                CallerPid = peer.Pid,
                Target = target,
                RequestedTtlMs = request.TtlMs,
                HeldByCaller = Ledger.CountForUser(peer.Uid) - (existing?.RequestedByUid == peer.Uid ? 1 : 0),
                NowUnixMs = now,
            }, PolicySettings());
            if (!decision.Granted)
            {
                return Deny(peer, pid, decision.Code, decision.Message, target);
            }

            // A renewal keeps the oom_score_adj saved by the first grant: the current value is Pardon's -1000.
            bool kernelProtected = existing?.KernelProtected ?? false;
            short? previous = existing?.PreviousOomScoreAdj;
            if (!kernelProtected && KernelProtectAvailable)
            {
                (kernelProtected, previous) = ProtectInKernel(pin);
            }

            var grant = new PardonGrant
            {
                Pid = pid,
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
            };
            Ledger.Set(grant);
            if (_pins.Remove(key, out PidFd? old))
            {
                old.Dispose();
            }

            _pins[key] = pin;
            keep = true;
            Ledger.RecordUsage(key, target.UsedKiB);
            Persist();

            string expiry = grant.ExpiresAtUnixMs is long e
                ? "until " + EventLog.FormatTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(e))
                : "without expiry";
            string ceiling = grant.MaxRssKiB > 0 ? "ceiling " + Units.FormatKiB(grant.MaxRssKiB) : "no ceiling";
            Emit("pardon_granted",
                $"{(existing is null ? "pardoned" : "renewed the pardon of")} {pid} ({target.Comm}) {target.Exe} for uid {peer.Uid} by {decision.Rule}: " +
                $"{ceiling}, {expiry}; kernel protection {(kernelProtected ? "on (oom_score_adj -1000)" : "off")}",
                grant, code: null, peer, target.UsedKiB);
            return new PardonResponse
            {
                Ok = true,
                Pardon = PardonInfo.From(grant, target.UsedKiB),
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
            KernelProtectAvailable = false;
            WarnKernelProtect("the kernel refused to lower oom_score_adj (EACCES: CAP_SYS_RESOURCE is needed in the initial user namespace)");
            return (false, null);
        }

        return errno == 0 ? (true, current) : (false, null);
    }

    private PardonResponse Release(PardonPeer peer, PardonRequest request)
    {
        int pid = request.Pid ?? peer.Pid;
        PardonGrant? grant = request.StartTime is ulong startTime ? Ledger.Find(new PardonKey(pid, startTime)) : Ledger.FindByPid(pid);
        if (grant is null)
        {
            return PardonResponse.Failure(PardonCodes.NotPardoned, $"process {pid} holds no pardon");
        }

        if (peer.Uid != 0 && peer.Uid != grant.OwnerUid && peer.Uid != grant.RequestedByUid)
        {
            return PardonResponse.Failure(PardonCodes.NotOwner,
                $"denied: the pardon of process {pid} ({grant.Comm}) was asked for by uid {grant.RequestedByUid} for a process of uid {grant.OwnerUid}; " +
                $"you are uid {peer.Uid}, so you may not release it");
        }

        long used = Ledger.LastUsedKiB(new PardonKey(grant.Pid, grant.StartTime));
        End(grant, PardonCodes.Released, used, peer, detail: null);
        Persist();
        return new PardonResponse { Ok = true, Pardon = PardonInfo.From(grant, used), KernelProtect = KernelProtectAvailable };
    }

    private PardonResponse List()
    {
        var pardons = new List<PardonInfo>();
        foreach (PardonGrant g in Ledger.Snapshot())
        {
            pardons.Add(PardonInfo.From(g, Ledger.LastUsedKiB(new PardonKey(g.Pid, g.StartTime))));
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
