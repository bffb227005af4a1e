// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Pardons;
using Pardon.Daemon.Events;
using Pardon.Linux.Io;
using Pardon.Linux.Monitoring;
using Pardon.Linux.Processes;

namespace Pardon.Daemon.Pardons;

public sealed partial class PardonService
{
    /// <summary>Requests handled between two looks at the monitor's observations and the clock (revocations come first).</summary>
    private const int JobsPerRound = 16;

    /// <summary>
    /// The worker's loop: the monitor's observations first, then a few requests, expiries and the periodic
    /// sweep; then the changes are published (a new snapshot) and saved (one fsync'd write for the whole round)
    /// before the requests' clients are answered. It sleeps on an eventfd (woken by posts) until the next sweep
    /// or expiry.
    /// </summary>
    private void RunWorker()
    {
        // One descriptor: the eventfd that posts (requests, the monitor's observations) signal.
        using var wait = new EpollSet(1);
        if (wait.Add(_wake.Fd, EpollSet.In, 0) is int rc and not 0)
        {
            _events.Emit(new DaemonEvent { Event = "warning", Code = "pardon_worker", Message = $"the pardon worker cannot wait on its eventfd ({Errors.Describe(rc)}); requests wait for the next sweep" });
        }

        long sweepMs = Math.Max(10, (long)SweepInterval.TotalMilliseconds);
        long nextSweep = Clock.BootTimeMs() + sweepMs;
        var finished = new List<(PardonJob Job, PardonResponse Response)>(JobsPerRound);
        while (true)
        {
            try
            {
                DrainObservations();
                for (int i = 0; i < JobsPerRound && _jobs.TryDequeue(out PardonJob? job); i++)
                {
                    Interlocked.Decrement(ref _queuedJobs);
                    finished.Add((job, RunJob(job)));
                    DrainObservations();
                }

                long now = Clock.BootTimeMs();
                if (now >= nextSweep)
                {
                    Sweep();
                    nextSweep = Clock.BootTimeMs() + sweepMs;
                }
                else
                {
                    ExpireDue();
                }

                Commit();
            }
            catch (Exception ex)
            {
                // A bug must cost one round, never the pardons' upkeep.
                _events.Emit(new DaemonEvent { Event = "warning", Code = "pardon_worker", Message = $"the pardon worker failed: {ex.GetType().Name}: {ex.Message}" });
            }

            foreach ((PardonJob job, PardonResponse response) in finished)
            {
                job.Done.TrySetResult(response);
            }

            finished.Clear();
            if (_stopping)
            {
                return;
            }

            if (!_jobs.IsEmpty)
            {
                continue;
            }

            // With no pardon there is nothing to sweep or expire: sleep until a request or observation is posted
            // (an idle daemon's worker does not wake every second).
            long wakeAt = Math.Min(nextSweep, NextExpiryBootMs());
            _ = wait.Wait(_entries.Count == 0 ? -1 : (int)Math.Clamp(wakeAt - Clock.BootTimeMs(), 0, sweepMs));
            if (_entries.Count == 0)
            {
                nextSweep = Clock.BootTimeMs() + sweepMs; // the first pardon is swept a full interval after it is granted
            }

            _ = _wake.Drain();
        }
    }

    private PardonResponse RunJob(PardonJob job)
    {
        try
        {
            return job.Run();
        }
        catch (Exception ex)
        {
            _events.Emit(new DaemonEvent { Event = "warning", Code = "pardon_server", Message = $"a pardon request failed: {ex.GetType().Name}: {ex.Message}" });
            return PardonResponse.Failure(PardonCodes.Internal, "internal error: " + ex.Message);
        }
    }

    /// <summary>
    /// What the monitor saw: a pardoned process above its ceiling (ended at once, with the monitor's figure: it
    /// is what the kill path judged by) or running another executable (ended once the worker's own statx agrees).
    /// </summary>
    private void DrainObservations()
    {
        while (_observations.TryRead(out PardonObservation seen))
        {
            if (!_entries.TryGetValue(seen.Key, out Pardoned? entry))
            {
                continue; // ended already
            }

            PardonGrant grant = entry.Grant;
            if (seen.Lapse == PardonLapse.OverCeiling && grant.MaxRssKiB > 0 && seen.HeldKiB > grant.MaxRssKiB)
            {
                End(seen.Key, PardonCodes.CeilingExceeded, seen.HeldKiB, requester: null);
            }
            else if (seen.Lapse == PardonLapse.ExeChanged)
            {
                Verify(seen.Key, entry);
            }
        }
    }

    /// <summary>Re-verifies every pardon, in the monitored scope or not (issue 7: a pardon outside the scope was never checked).</summary>
    private void Sweep()
    {
        if (_entries.Count == 0)
        {
            return;
        }

        PardonKey[] keys = [.. _entries.Keys];
        foreach (PardonKey key in keys)
        {
            if (_entries.TryGetValue(key, out Pardoned? entry))
            {
                Verify(key, entry);
            }
        }
    }

    /// <summary>
    /// One pardon against its process now: alive (the pidfd), same start time, not expired, the same executable
    /// (statx of /proc/PID/exe: device and inode), its held memory (docs/protocol.md, "Ceilings") countable and
    /// under the ceiling. Ends it otherwise; else records the memory for `pardon list` and the kill path.
    /// </summary>
    private void Verify(PardonKey key, Pardoned entry)
    {
        PardonGrant grant = entry.Grant;
        if (entry.Pin.HasExited)
        {
            End(key, PardonCodes.Exited, -1, requester: null);
            return;
        }

        if (grant.ExpiresAtUnixMs is long expires && expires <= NowUnixMs())
        {
            End(key, PardonCodes.Expired, grant.HeldKiB, requester: null);
            return;
        }

        if (!_probe.TryProbe(entry.Pin, out PardonProbeFacts facts))
        {
            if (entry.Pin.HasExited)
            {
                End(key, PardonCodes.Exited, -1, requester: null);
            }

            return; // a failed read of a live process: try again at the next sweep
        }

        long held = facts.Memory.HeldKiB;
        if (facts.Exe.IsKnown && grant.ExeIdentity.IsKnown && facts.Exe != grant.ExeIdentity)
        {
            End(key, PardonCodes.ExeChanged, held, requester: null);
        }
        else if (!facts.Memory.Complete && grant.MaxRssKiB > 0)
        {
            End(key, PardonCodes.Unverifiable, held, requester: null);
        }
        else if (grant.MaxRssKiB > 0 && held > grant.MaxRssKiB)
        {
            End(key, PardonCodes.CeilingExceeded, held, requester: null);
        }
        else if (held != grant.HeldKiB || facts.Memory.OutsideRssKiB != grant.OutsideRssKiB)
        {
            entry.Grant = grant with { HeldKiB = held, OutsideRssKiB = facts.Memory.OutsideRssKiB };
            _publishPending = true;
        }
    }

    private void ExpireDue()
    {
        long now = NowUnixMs();
        _ending.Clear();
        foreach ((PardonKey key, Pardoned e) in _entries)
        {
            if (e.Grant.ExpiresAtUnixMs is long expires && expires <= now)
            {
                _ending.Add((key, PardonCodes.Expired, e.Grant.HeldKiB));
            }
        }

        foreach ((PardonKey key, string code, long held) in _ending)
        {
            End(key, code, held, requester: null);
        }
    }

    private long NextExpiryBootMs()
    {
        long next = long.MaxValue;
        foreach (Pardoned e in _entries.Values)
        {
            if (e.Grant.ExpiresAtUnixMs is long expires)
            {
                next = Math.Min(next, expires - _bootToUnixMs);
            }
        }

        return next;
    }

    /// <summary>Publishes a new snapshot and saves the state when this round changed them.</summary>
    private void Commit()
    {
        if (_publishPending || _persistPending)
        {
            var grants = new PardonGrant[_entries.Count];
            int i = 0;
            foreach (Pardoned e in _entries.Values)
            {
                grants[i++] = e.Grant;
            }

            View.Publish(new PardonSnapshot(grants));
            _publishPending = false;
        }

        if (_persistPending)
        {
            _persistPending = false;
            Persist();
        }
    }

    /// <summary>Ends one pardon: out of the ledger, oom_score_adj restored (unless the process exited), one event.</summary>
    private PardonGrant? End(PardonKey key, string code, long usedKiB, PardonPeer? requester)
    {
        if (!_entries.Remove(key, out Pardoned? entry))
        {
            return null;
        }

        _publishPending = true;
        _persistPending = true;
        PardonGrant grant = entry.Grant;
        bool restored = false;
        if (grant.KernelProtected && code != PardonCodes.Exited && grant.PreviousOomScoreAdj is short previous)
        {
            restored = OomScoreAdj.Write(entry.Pin, previous, _procRoot) == 0;
        }

        entry.Pin.Dispose();
        string who = Describe(grant);
        string why = code switch
        {
            PardonCodes.CeilingExceeded => $"revoked the pardon of {who}: it holds {Units.FormatKiB(usedKiB)}, above its {Units.FormatKiB(grant.MaxRssKiB)} ceiling ({grant.Rule})",
            PardonCodes.Expired => $"the pardon of {who} expired",
            PardonCodes.ExeChanged => $"revoked the pardon of {who}: it exec'd another executable since the pardon was granted for {grant.Exe}",
            PardonCodes.Unverifiable => $"revoked the pardon of {who}: it holds more descriptors and mappings than the daemon examines, so the memory it holds cannot be judged against its ceiling",
            PardonCodes.Exited => $"the pardon of {who} ended: the process exited",
            PardonCodes.Released => $"released the pardon of {who} at the request of uid {requester?.Uid} (pid {requester?.Pid})",
            _ => $"ended the pardon of {who} ({code})",
        };
        if (restored)
        {
            why += $"; oom_score_adj restored to {grant.PreviousOomScoreAdj}";
        }

        bool released = code is PardonCodes.Released or PardonCodes.Exited;
        Emit(released ? "pardon_released" : "pardon_revoked", why, grant, code, requester, usedKiB >= 0 ? usedKiB : null);
        return grant with { HeldKiB = usedKiB };
    }
}
