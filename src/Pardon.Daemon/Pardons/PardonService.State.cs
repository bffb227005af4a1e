// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.Core;
using Pardon.Core.Pardons;
using Pardon.Daemon.Events;
using Pardon.Linux.Processes;

namespace Pardon.Daemon.Pardons;

public sealed partial class PardonService
{
    private const string BootIdPath = "sys/kernel/random/boot_id";

    private static readonly UnixFileMode s_stateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly UnixFileMode s_directoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>
    /// Writes the ledger to pardon.state atomically: a temporary file beside it, then rename(2), so a reader
    /// (or a daemon killed mid-write) sees the old state or the new one, never half of one. Mode 0600.
    /// </summary>
    private void Persist()
    {
        var state = new PardonState
        {
            BootId = ReadBootId(),
            Saved = EventLog.FormatTimestamp(DateTimeOffset.UtcNow),
        };
        foreach (PardonGrant g in Ledger.Snapshot())
        {
            state.Pardons.Add(PardonInfo.From(g));
        }

        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string path = StatePath;
        string temp = path + ".tmp";
        try
        {
            string? directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, s_directoryMode);
            }

            byte[] json = JsonSerializer.SerializeToUtf8Bytes(state, PardonProtocolJsonContext.Wire.PardonState);
            using (var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = s_stateMode,
            }))
            {
                stream.Write(json);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!_persistWarned)
            {
                _persistWarned = true;
                _events.Emit(new DaemonEvent
                {
                    Event = "warning",
                    Code = "pardon_state",
                    Message = $"cannot write pardon.state {path}: {ex.Message}; pardons stay in force but will not survive a daemon restart",
                });
            }
        }
    }

    /// <summary>
    /// Restores the pardons of the state file that still hold: the same process (pid + start time, this
    /// boot), the same owner and executable (device + inode), and still granted by the configuration as it
    /// is now. Every other one is dropped with a pardon_revoked event (code "stale", "policy" or "expired")
    /// and its oom_score_adj restored where the process lives on.
    /// </summary>
    private void LoadState()
    {
        PardonState? state = ReadState();
        if (state is null)
        {
            return;
        }

        string bootId = ReadBootId();
        bool sameBoot = state.BootId.Length == 0 || bootId.Length == 0 || state.BootId == bootId;
        long now = NowUnixMs();
        PardonPolicySettings settings = PolicySettings();
        int restored = 0, dropped = 0;
        foreach (PardonInfo info in state.Pardons)
        {
            PardonGrant saved = info.ToGrant();
            if (!sameBoot)
            {
                Drop(saved, PardonCodes.Stale, "it was granted before the system last booted", pin: null);
                dropped++;
                continue;
            }

            PidFd? pin = PidFd.TryOpen(info.Pid, info.StartTime, out _, _procRoot);
            if (pin is null || !ProcessInspector.TryInspect(pin, out PardonTarget target, _procRoot))
            {
                pin?.Dispose();
                Drop(saved, PardonCodes.Stale, $"process {info.Pid} with that start time is gone", pin: null);
                dropped++;
                continue;
            }

            string? reason = null;
            string code = PardonCodes.Stale;
            if (target.ExeIdentity != saved.ExeIdentity)
            {
                reason = $"process {info.Pid} now runs {target.Exe} ({PardonPolicy.DescribeIdentity(target.ExeIdentity)}), not the executable it was pardoned for";
            }
            else if (target.Uid != saved.OwnerUid)
            {
                reason = $"process {info.Pid} now belongs to uid {target.Uid}, not uid {saved.OwnerUid}";
            }
            else if (saved.ExpiresAtUnixMs is long expires && expires <= now)
            {
                code = PardonCodes.Expired;
                reason = "it expired while the daemon was not running";
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
                    HeldByCaller = Ledger.CountForUser(saved.RequestedByUid),
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
                dropped++;
                continue;
            }

            PardonGrant grant = saved with
            {
                Comm = target.Comm,
                Rule = decision.Rule,
                MaxRssKiB = decision.CeilingKiB,
                ExpiresAtUnixMs = saved.ExpiresAtUnixMs ?? decision.ExpiresAtUnixMs,
            };
            if (!grant.KernelProtected && KernelProtectAvailable)
            {
                (bool kernelProtected, short? previous) = ProtectInKernel(pin);
                grant = grant with { KernelProtected = kernelProtected, PreviousOomScoreAdj = previous };
            }

            var key = new PardonKey(grant.Pid, grant.StartTime);
            Ledger.Set(grant);
            Ledger.RecordUsage(key, target.UsedKiB);
            _pins[key] = pin;
            restored++;
            Emit("pardon_granted", $"restored the pardon of {grant.Pid} ({grant.Comm}) from {StatePath} ({grant.Rule})",
                grant, code: "restored", requester: null, target.UsedKiB);
        }

        if (restored + dropped > 0)
        {
            Persist();
        }
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

    private PardonState? ReadState()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(StatePath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WarnState($"cannot read pardon.state {StatePath}: {ex.Message}; starting with no pardons");
            return null;
        }

        try
        {
            PardonState? state = JsonSerializer.Deserialize(bytes, PardonProtocolJsonContext.Wire.PardonState);
            if (state is null || state.Version != PardonState.CurrentVersion)
            {
                WarnState($"pardon.state {StatePath} has an unknown format; starting with no pardons");
                return null;
            }

            return state;
        }
        catch (JsonException ex)
        {
            WarnState($"pardon.state {StatePath} is not valid ({ex.Message}); starting with no pardons");
            return null;
        }
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
