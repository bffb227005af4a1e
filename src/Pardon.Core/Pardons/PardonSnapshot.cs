// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>
/// The pardons in force at one moment, immutable: built by the pardon worker after each change and read by
/// anyone without a lock (the monitor's rankings, `pardon list`, `pardon rank`). Keyed by pid and start time,
/// so a recycled pid never inherits a pardon. <see cref="Find(ProcessFacts)"/> allocates nothing and costs one
/// length check when no pardon exists (the common case).
/// </summary>
public sealed class PardonSnapshot : IPardonView
{
    private readonly Dictionary<PardonKey, PardonGrant> _byKey;
    private readonly PardonGrant[] _byPid;

    /// <summary>Builds a snapshot; of two grants for one process (pid + start time) the later wins.</summary>
    public PardonSnapshot(IEnumerable<PardonGrant> grants)
    {
        _byKey = [];
        foreach (PardonGrant g in grants)
        {
            _byKey[new PardonKey(g.Pid, g.StartTime)] = g;
        }

        _byPid = [.. _byKey.Values];
        Array.Sort(_byPid, static (a, b) => a.Pid != b.Pid ? a.Pid.CompareTo(b.Pid) : a.StartTime.CompareTo(b.StartTime));
    }

    /// <summary>No pardons.</summary>
    public static PardonSnapshot Empty { get; } = new([]);

    public int Count => _byPid.Length;

    /// <summary>Every pardon, by pid.</summary>
    public IReadOnlyList<PardonGrant> Grants => _byPid;

    public PardonGrant? Find(ProcessFacts process)
        => _byPid.Length == 0 ? null : Find(new PardonKey(process.Pid, process.StartTime));

    public PardonGrant? Find(PardonKey key) => _byKey.TryGetValue(key, out PardonGrant? g) ? g : null;

    /// <summary>The pardon held by whatever process has (or had) <paramref name="pid"/>, whatever its start time.</summary>
    public PardonGrant? FindByPid(int pid)
    {
        foreach (PardonGrant g in _byPid)
        {
            if (g.Pid == pid)
            {
                return g;
            }
        }

        return null;
    }

    /// <summary>How many pardons <paramref name="uid"/> asked for and still holds (what pardon.max_per_user limits).</summary>
    public int CountRequestedBy(uint uid)
    {
        int n = 0;
        foreach (PardonGrant g in _byPid)
        {
            if (g.RequestedByUid == uid)
            {
                n++;
            }
        }

        return n;
    }
}
