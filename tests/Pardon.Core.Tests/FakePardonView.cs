// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

/// <summary>A pardon ledger reduced to a dictionary by pid, counting its look-ups.</summary>
internal sealed class FakePardonView : IPardonView
{
    private readonly Dictionary<int, PardonGrant> _grants = [];

    public List<int> LookedUp { get; } = [];

    public FakePardonView Add(PardonGrant grant)
    {
        _grants[grant.Pid] = grant;
        return this;
    }

    public PardonGrant? Find(ProcessFacts process)
    {
        LookedUp.Add(process.Pid);
        return _grants.GetValueOrDefault(process.Pid);
    }
}
