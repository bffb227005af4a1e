// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>Looks up the pardon a process holds, if any.</summary>
public interface IPardonView
{
    PardonGrant? Find(ProcessFacts process);
}
