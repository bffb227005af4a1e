// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Linux;

/// <summary>Reads a scope's memory state. Implementations keep their files open and allocate nothing per reading.</summary>
public interface IMemoryReader : IDisposable
{
    /// <summary>Takes one reading; false when the scope's files can no longer be read (a removed cgroup).</summary>
    bool TryRead(long nowMs, out MemorySample sample);
}
