// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Pardons;
using Pardon.Daemon.Events;
using Pardon.Linux.Processes;

namespace Pardon.Daemon.Pardons;

public sealed partial class PardonService
{
    private const string BootIdPath = "sys/kernel/random/boot_id";

    /// <summary>
    /// Writes the pardons to pardon.state (see <see cref="PardonStateStore"/>: atomic, fsync'd, mode 0600, never
    /// through a symlink). A failure is reported once; the pardons stay in force.
    /// </summary>
    private void Persist()
    {
        if (_store is null)
        {
            return;
        }

        var state = new PardonState
        {
            BootId = ReadBootId(),
            Saved = EventLog.FormatTimestamp(DateTimeOffset.UtcNow),
        };
        foreach (Pardoned e in _entries.Values)
        {
            state.Pardons.Add(PardonInfo.From(e.Grant));
        }

        state.Pardons.Sort(static (a, b) => a.Pid.CompareTo(b.Pid));
        if (!_store.TrySave(state, out string problem) && !_persistWarned)
        {
            _persistWarned = true;
            WarnState($"cannot write pardon.state {StatePath}: {problem}; pardons stay in force but will not survive a daemon restart");
        }
    }

    /// <summary>
    /// Restores the pardons of the state file that still hold: the same boot, the same process (pid + start
    /// time), the same owner and executable (device + inode), not expired, and still granted by the configuration
    /// as it is now. Every other one is dropped with a pardon_revoked event (code "stale", "policy" or "expired")
    /// and its oom_score_adj restored where the process lives on. Malformed entries were dropped, with a warning
    /// each, by the store; nothing here throws for anything a file can hold.
    /// </summary>
    private void LoadState()
    {
        (string savedBootId, List<PardonInfo> saved) = _store!.Load(WarnState);
        if (saved.Count == 0)
        {
            return;
        }

        string bootId = ReadBootId();
        bool sameBoot = savedBootId.Length > 0 && bootId.Length > 0 && savedBootId == bootId;
        long now = NowUnixMs();
        PardonPolicySettings settings = PolicySettings();
        foreach (PardonInfo info in saved)
        {
            try
            {
                Restore(info.ToGrant(), sameBoot, now, settings);
            }
            catch (Exception ex)
            {
                WarnState($"pardon.state {StatePath}: could not restore the pardon of {info.Pid}: {ex.Message}");
            }
        }

        _persistPending = true;
        _publishPending = true;
    }

    private void Restore(PardonGrant saved, bool sameBoot, long now, PardonPolicySettings settings)
    {
        if (!sameBoot)
        {
            Drop(saved, PardonCodes.Stale, "it was granted before the system last booted (or the state file does not say when)", pin: null);
            return;
        }

        var key = new PardonKey(saved.Pid, saved.StartTime);
        if (_entries.ContainsKey(key))
        {
            return;
        }

        PidFd? pin = PidFd.TryOpen(saved.Pid, saved.StartTime, out _, _procRoot);
        if (pin is null || !ProcessInspector.TryInspect(pin, out PardonTarget target, _procRoot))
        {
            pin?.Dispose();
            Drop(saved, PardonCodes.Stale, $"process {saved.Pid} with that start time is gone", pin: null);
            return;
        }

        string? reason = null;
        string code = PardonCodes.Stale;
        if (target.ExeIdentity != saved.ExeIdentity)
        {
            reason = $"process {saved.Pid} now runs {target.Exe} ({PardonPolicy.DescribeIdentity(target.ExeIdentity)}), not the executable it was pardoned for";
        }
        else if (target.Uid != saved.OwnerUid)
        {
            reason = $"process {saved.Pid} now belongs to uid {target.Uid}, not uid {saved.OwnerUid}";
        }
        else if (saved.ExpiresAtUnixMs is long expires && expires <= now)
        {
            code = PardonCodes.Expired;
            reason = "it expired while the daemon was not running";
        }

        if (_probe.TryProbe(pin, out PardonProbeFacts facts))
        {
            target = target with { UsedKiB = facts.Memory.HeldKiB };
        }

        PardonDecision? decision = null;
        if (reason is null)
        {
            // Re-decide with today's configuration: a rule removed or tightened since must not be honoured.
            decision = PardonPolicy.Decide(new PardonQuery
            {
                CallerUid = saved.RequestedByUid,
                CallerPid = saved.RequestedByPid,
                Target = target,
                RequestedTtlMs = saved.ExpiresAtUnixMs is long e ? e - now : null,
                HeldByCaller = CountRequestedBy(saved.RequestedByUid),
                NowUnixMs = now,
            }, settings);
            if (!decision.Granted)
            {
                code = PardonCodes.Policy;
                reason = "the configuration no longer allows it: " + decision.Message;
            }
        }

        if (reason is not null || decision is null)
        {
            Drop(saved, code, reason ?? "", pin);
            pin.Dispose();
            return;
        }

        PardonGrant grant = saved with
        {
            Comm = target.Comm,
            Rule = decision.Rule,
            MaxRssKiB = decision.CeilingKiB,
            ExpiresAtUnixMs = saved.ExpiresAtUnixMs ?? decision.ExpiresAtUnixMs,
            HeldKiB = target.UsedKiB,
            OutsideRssKiB = facts.Memory.OutsideRssKiB,
        };
        if (!grant.KernelProtected && KernelProtectAvailable)
        {
            (bool kernelProtected, short? previous) = ProtectInKernel(pin);
            grant = grant with { KernelProtected = kernelProtected, PreviousOomScoreAdj = previous };
        }

        _entries[key] = new Pardoned(grant, pin);
        Emit("pardon_granted", $"restored the pardon of {grant.Pid} ({grant.Comm}) from {StatePath} ({grant.Rule})",
            grant, code: "restored", requester: null, target.UsedKiB);
    }

    /// <summary>A persisted pardon that no longer holds: its oom_score_adj restored if the process lives on, one event.</summary>
    private void Drop(PardonGrant grant, string code, string why, PidFd? pin)
    {
        bool restored = pin is not null && grant.KernelProtected && grant.PreviousOomScoreAdj is short previous &&
            OomScoreAdj.Write(pin, previous, _procRoot) == 0;
        Emit("pardon_revoked",
            $"dropped the saved pardon of {grant.Pid} ({grant.Comm}): {why}" + (restored ? $"; oom_score_adj restored to {grant.PreviousOomScoreAdj}" : ""),
            grant, code, requester: null, usedKiB: null);
    }

    private void WarnState(string message)
        => _events.Emit(new DaemonEvent { Event = "warning", Code = "pardon_state", Message = message });

    private string ReadBootId()
    {
        try
        {
            return File.ReadAllText(Path.Combine(_procRoot, BootIdPath)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
