// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using Pardon.Core;
using Pardon.Core.Engine;
using Pardon.Daemon.Events;
using Pardon.Linux.Monitoring;
using Pardon.Linux.Processes;

namespace Pardon.Daemon.Monitor;

/// <summary>
/// Follows one scope's victim from its signal to its exit without ever blocking the monitor: the victim's
/// pidfd sits in the monitor's epoll set (it becomes readable when the process exits) and the scope's
/// step decides, on its deadlines, when SIGTERM turns into SIGKILL and when a victim stuck after SIGKILL is
/// given up on. While one scope waits out a grace period, every other scope keeps being watched and acts.
/// One victim at a time per scope: its step chooses no other until this one has exited.
/// <para>
/// The kill event is written once the victim is already dying: after a first short wait (a small victim
/// is often gone by then, and its exit is timed without our own work in between) or at the exit.
/// </para>
/// </summary>
internal sealed class KillTracker : IDisposable
{
    /// <summary>How long after the signal the kill event is built, if the victim has not exited first.</summary>
    private const long KillEventDelayMs = 20;

    /// <summary>How long the rest of a unit (process group, cgroup) gets to follow the victim out.</summary>
    private const long FollowMs = 100;

    private readonly MonitorLoop _loop;
    private readonly WatchedScope _scope;
    private readonly List<PidFd> _pidfds = new(4);
    private ProcessFacts? _victim;
    private Func<DaemonEvent>? _buildKill;
    private bool _rehearsal;
    private bool _registered;
    private bool _killEmitted;
    private bool _killSent;
    private bool _escalated;
    private bool _readable;
    private bool _exited;
    private long _signalledAtMs;
    private long _killSentAtMs;
    private long _emitKillAtMs;
    private long _followUntilMs;
    private long _exitTicks;
    private long _episodeStartTicks;
    private long _firstSignalTicks;

    public KillTracker(MonitorLoop loop, WatchedScope scope)
    {
        _loop = loop;
        _scope = scope;
    }

    /// <summary>A victim is being followed.</summary>
    public bool Active => _victim is not null;

    /// <summary>The victim's pid (0 when none).</summary>
    public int VictimPid => _victim?.Pid ?? 0;

    /// <summary>The state the scope's step is given.</summary>
    public VictimProgress Progress => _victim is null
        ? VictimProgress.None
        : _exited
        ? VictimProgress.Killed(_signalledAtMs, Math.Max(_killSentAtMs, _signalledAtMs)) // following the rest of its unit out; never long
        : new VictimProgress(true, _killSent, _signalledAtMs, _killSentAtMs);

    /// <summary>The tracker's own next deadline (the delayed kill event); long.MaxValue when none.</summary>
    public long NextDeadlineMs => _victim is not null && !_killEmitted ? _emitKillAtMs : long.MaxValue;

    /// <summary>
    /// Takes over the pidfds of a unit just signalled (the victim first) and starts following it.
    /// <paramref name="rehearsal"/>: start-up only — the same steps, no event written.
    /// </summary>
    public void Start(List<PidFd> pidfds, ProcessFacts victim, int signal, long nowMs, long episodeStartTicks, long firstSignalTicks, Func<DaemonEvent> buildKill, bool rehearsal = false)
    {
        Finish();
        _pidfds.AddRange(pidfds);
        pidfds.Clear();
        _victim = victim;
        _buildKill = buildKill;
        _rehearsal = rehearsal;
        _killEmitted = false;
        _killSent = signal == Signals.SIGKILL;
        _escalated = false;
        _readable = false;
        _exited = false;
        _signalledAtMs = nowMs;
        _killSentAtMs = _killSent ? nowMs : 0;
        _emitKillAtMs = nowMs + KillEventDelayMs;
        _episodeStartTicks = episodeStartTicks;
        _firstSignalTicks = firstSignalTicks;
        _registered = _loop.Epoll.Add(_pidfds[0].Fd, EpollSet.In, EngineToken.Make(EngineToken.Victim, _scope.Slot, _scope.Generation)) == 0;
        _scope.Statistics.VictimPending = !rehearsal;
    }

    /// <summary>The victim's pidfd became readable (from the epoll set): it has exited.</summary>
    public void MarkExited(long timestampTicks)
    {
        if (_victim is not null && !_readable)
        {
            _readable = true;
            _exitTicks = timestampTicks;

            // An exited process's pidfd stays readable: level-triggered, it would end every sleep at once
            // while the rest of the unit is followed out.
            Unregister();
        }
    }

    /// <summary>Writes the kill event when due, notices the exit, and ends once the unit is gone.</summary>
    public void Tick(long nowMs)
    {
        if (_victim is not { } victim)
        {
            return;
        }

        bool exitedNow = false;
        if (!_exited && (_readable || _pidfds[0].HasExited))
        {
            exitedNow = true;
            if (!_readable)
            {
                _exitTicks = Stopwatch.GetTimestamp();
            }
        }

        if (!_killEmitted && (exitedNow || nowMs >= _emitKillAtMs))
        {
            _killEmitted = true;
            Emit(_buildKill!());
        }

        if (exitedNow)
        {
            _exited = true;
            _followUntilMs = nowMs + FollowMs;
            double latencyMs = Stopwatch.GetElapsedTime(_episodeStartTicks, _exitTicks).TotalMilliseconds;
            if (!_rehearsal)
            {
                _scope.Statistics.LastLatencyMs = latencyMs;
                _loop.Statistics.LastLatencyMs = latencyMs;
            }

            Emit(new DaemonEvent
            {
                Event = "victim_exited",
                Scope = _scope.Label,
                Pid = victim.Pid,
                Comm = victim.Comm,
                LatencyMs = Math.Round(latencyMs, 2),
                TeardownMs = Math.Round(Stopwatch.GetElapsedTime(_firstSignalTicks, _exitTicks).TotalMilliseconds, 2),
                Escalated = _escalated,
                Message = string.Create(CultureInfo.InvariantCulture,
                    $"{victim.Pid} ({victim.Comm}) exited {latencyMs:0.#} ms after the level was crossed{(_escalated ? " (after SIGKILL)" : "")}{_loop.InScope(_scope)}"),
            });
        }

        if (_exited && (nowMs >= _followUntilMs || RestExited()))
        {
            Finish();
        }
    }

    /// <summary>SIGKILL for a victim still alive after SIGTERM: the kill level was reached, or its grace ended.</summary>
    public void Escalate(bool killLevel, in MemorySample sample, ResolvedThresholds levels, long nowMs)
    {
        if (_victim is not { } victim || _killSent)
        {
            return;
        }

        if (!_killEmitted)
        {
            _killEmitted = true;
            Emit(_buildKill!());
        }

        _killSent = true;
        _escalated = true;
        _killSentAtMs = nowMs;
        MonitorLoop.SignalAll(_pidfds, _rehearsal ? 0 : Signals.SIGKILL);
        if (!_rehearsal)
        {
            _scope.Statistics.Escalations++;
            _loop.Statistics.Escalations++;
        }

        TimeSpan grace = _loop.Settings.KillGrace;
        Emit(new DaemonEvent
        {
            Event = "kill",
            Scope = _scope.Label,
            Pid = victim.Pid,
            Comm = victim.Comm,
            Exe = victim.Exe,
            Uid = victim.Uid,
            Signal = "SIGKILL",
            Escalated = true,
            AvailableKiB = killLevel ? sample.AvailableKiB : null,
            ThresholdKiB = killLevel ? levels.KillKiB : null,
            Reason = killLevel
                ? $"escalated: available fell to the kill level before {victim.Pid} exited"
                : $"escalated: {victim.Pid} did not exit within {Sizes.FormatDuration(grace)} of SIGTERM",
            Message = $"SIGKILL {victim.Pid} ({victim.Comm}): " + (killLevel ? "memory reached the kill level" : $"still alive {Sizes.FormatDuration(grace)} after SIGTERM") + _loop.InScope(_scope),
        });
    }

    /// <summary>A victim that has not exited long after SIGKILL (uninterruptible sleep?): report it and let the step choose again.</summary>
    public void Abandon()
    {
        if (_victim is not { } victim)
        {
            return;
        }

        if (!_killEmitted)
        {
            _killEmitted = true;
            Emit(_buildKill!());
        }

        Emit(new DaemonEvent
        {
            Event = "warning",
            Code = "victim_stuck",
            Scope = _scope.Label,
            Pid = victim.Pid,
            Comm = victim.Comm,
            Message = $"{victim.Pid} ({victim.Comm}) has not exited {Sizes.FormatDuration(_loop.Settings.ExitTimeout)} after SIGKILL (uninterruptible sleep?); choosing again{_loop.InScope(_scope)}",
        });
        Finish();
    }

    /// <summary>Stops following: the pidfd leaves the epoll set and every pidfd is closed. Safe at any time (a scope ending mid-kill).</summary>
    public void Finish()
    {
        Unregister();
        foreach (PidFd fd in _pidfds)
        {
            fd.Dispose();
        }

        _pidfds.Clear();
        _victim = null;
        _buildKill = null;
        _scope.Statistics.VictimPending = false;
    }

    public void Dispose() => Finish();

    private void Unregister()
    {
        if (_registered)
        {
            _loop.Epoll.Remove(_pidfds[0].Fd);
            _registered = false;
        }
    }

    private bool RestExited()
    {
        for (int i = 1; i < _pidfds.Count; i++)
        {
            if (!_pidfds[i].HasExited)
            {
                return false;
            }
        }

        return true;
    }

    private void Emit(DaemonEvent e)
    {
        if (_rehearsal)
        {
            // Start-up rehearsal: build and serialise, so nothing of this path is compiled mid-shortage.
            _ = System.Text.Json.JsonSerializer.Serialize(e, EventJsonContext.Default.DaemonEvent);
            return;
        }

        _loop.Events.Emit(e);
    }
}
