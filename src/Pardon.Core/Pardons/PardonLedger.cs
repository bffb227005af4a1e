// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>
/// The pardons in force, keyed by pid and start time so that a recycled pid never inherits a pardon.
/// Thread-safe: the socket server adds and removes while the monitor loop looks processes up and sweeps.
/// The victim selector's <see cref="Find(ProcessFacts)"/> and <see cref="Sweep"/> allocate nothing, and
/// cost one volatile read when no pardon exists (the common case).
/// </summary>
public sealed class PardonLedger : IPardonView
{
    private readonly Lock _lock = new();
    private readonly Dictionary<PardonKey, Entry> _entries = [];
    private int _count;
    private int _generation;

    /// <summary>How many pardons are in force.</summary>
    public int Count => Volatile.Read(ref _count);

    public PardonGrant? Find(ProcessFacts process)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return null;
        }

        return Find(new PardonKey(process.Pid, process.StartTime));
    }

    public PardonGrant? Find(PardonKey key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out Entry? e) ? e.Grant : null;
        }
    }

    /// <summary>The pardon held by whatever process has (or had) <paramref name="pid"/>, whatever its start time.</summary>
    public PardonGrant? FindByPid(int pid)
    {
        lock (_lock)
        {
            foreach (Entry e in _entries.Values)
            {
                if (e.Grant.Pid == pid)
                {
                    return e.Grant;
                }
            }

            return null;
        }
    }

    /// <summary>Adds a pardon, or replaces the one the same process holds (a renewal). Returns the replaced one.</summary>
    public PardonGrant? Set(PardonGrant grant)
    {
        var key = new PardonKey(grant.Pid, grant.StartTime);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out Entry? existing))
            {
                PardonGrant old = existing.Grant;
                existing.Grant = grant;
                return old;
            }

            _entries[key] = new Entry(grant);
            Volatile.Write(ref _count, _entries.Count);
            return null;
        }
    }

    /// <summary>Removes a pardon; returns it, or null when there was none.</summary>
    public PardonGrant? Remove(PardonKey key)
    {
        lock (_lock)
        {
            if (!_entries.Remove(key, out Entry? e))
            {
                return null;
            }

            Volatile.Write(ref _count, _entries.Count);
            return e.Grant;
        }
    }

    /// <summary>How many pardons <paramref name="uid"/> asked for and still holds (what pardon.max_per_user limits).</summary>
    public int CountForUser(uint uid)
    {
        lock (_lock)
        {
            int n = 0;
            foreach (Entry e in _entries.Values)
            {
                if (e.Grant.RequestedByUid == uid)
                {
                    n++;
                }
            }

            return n;
        }
    }

    /// <summary>The memory (RSS + swap, KiB) the last sweep saw the process use; -1 when not seen yet.</summary>
    public long LastUsedKiB(PardonKey key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out Entry? e) ? e.UsedKiB : -1;
        }
    }

    /// <summary>Every pardon, by pid.</summary>
    public PardonGrant[] Snapshot()
    {
        lock (_lock)
        {
            var all = new PardonGrant[_entries.Count];
            int i = 0;
            foreach (Entry e in _entries.Values)
            {
                all[i++] = e.Grant;
            }

            Array.Sort(all, static (a, b) => a.Pid.CompareTo(b.Pid));
            return all;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            Volatile.Write(ref _count, 0);
        }
    }

    /// <summary>
    /// Checks every pardon against a scan: a process above its ceiling (RSS + swap), one that exec'd another
    /// executable, and a pardon past its expiry go to <paramref name="ending"/>; a pardoned process the scan
    /// did not show goes to <paramref name="unseen"/> (it exited, or lives outside the monitored scope; the
    /// caller tells which). Nothing is removed here: the caller ends each pardon (restoring what it changed)
    /// and then removes it. Allocation-free unless a list must grow.
    /// </summary>
    /// <param name="processes">The scan.</param>
    /// <param name="nowUnixMs">Now, for expiry.</param>
    /// <param name="kibPerPage">PAGE_SIZE / 1024: the scan counts pages, ceilings are in KiB.</param>
    /// <param name="ending">Receives the pardons to end.</param>
    /// <param name="unseen">Receives the pardoned processes the scan did not include.</param>
    public void Sweep(ReadOnlySpan<ProcessFacts> processes, long nowUnixMs, long kibPerPage, List<PardonEnding> ending, List<PardonKey> unseen)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return;
        }

        lock (_lock)
        {
            int generation = ++_generation;
            foreach (ProcessFacts p in processes)
            {
                if (!_entries.TryGetValue(new PardonKey(p.Pid, p.StartTime), out Entry? e))
                {
                    continue;
                }

                e.Seen = generation;
                e.UsedKiB = (p.RssPages + p.SwapPages) * kibPerPage;
                PardonGrant g = e.Grant;
                if (g.MaxRssKiB > 0 && e.UsedKiB > g.MaxRssKiB)
                {
                    e.Ending = generation;
                    ending.Add(new PardonEnding(g, PardonCodes.CeilingExceeded, e.UsedKiB));
                }
                else if (p.ExeIdentity.IsKnown && g.ExeIdentity.IsKnown && p.ExeIdentity != g.ExeIdentity)
                {
                    // The pardon was granted for what the process ran then; after an exec it runs something else.
                    e.Ending = generation;
                    ending.Add(new PardonEnding(g, PardonCodes.ExeChanged, e.UsedKiB));
                }
            }

            foreach (KeyValuePair<PardonKey, Entry> kv in _entries)
            {
                Entry e = kv.Value;
                if (e.Ending == generation)
                {
                    continue;
                }

                if (e.Grant.ExpiresAtUnixMs is long expires && expires <= nowUnixMs)
                {
                    ending.Add(new PardonEnding(e.Grant, PardonCodes.Expired, e.Seen == generation ? e.UsedKiB : -1));
                }
                else if (e.Seen != generation)
                {
                    unseen.Add(kv.Key);
                }
            }
        }
    }

    /// <summary>Records the memory of a pardoned process the scan did not include (read separately); true when over its ceiling.</summary>
    public bool RecordUsage(PardonKey key, long usedKiB)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out Entry? e))
            {
                return false;
            }

            e.UsedKiB = usedKiB;
            return e.Grant.MaxRssKiB > 0 && usedKiB > e.Grant.MaxRssKiB;
        }
    }

    private sealed class Entry(PardonGrant grant)
    {
        public PardonGrant Grant { get; set; } = grant;

        public int Seen { get; set; }

        public int Ending { get; set; }

        public long UsedKiB { get; set; } = -1;
    }
}
