// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Cgroups;

/// <summary>A scope (a --cgroup directory) that cannot be used, with a message written for the user.</summary>
public sealed class ScopeException : Exception
{
    public ScopeException()
    {
    }

    public ScopeException(string message)
        : base(message)
    {
    }

    public ScopeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
