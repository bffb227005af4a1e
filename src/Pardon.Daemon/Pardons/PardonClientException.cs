// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Pardons;

/// <summary>The daemon could not be reached, or did not answer in the protocol.</summary>
public sealed class PardonClientException : Exception
{
    public PardonClientException(string socketPath, string reason, bool unreachable)
        : base(unreachable
            ? $"cannot reach the Pardon daemon at {socketPath}: {reason} (is pardon daemon running?)"
            : $"the Pardon daemon at {socketPath} {reason}")
    {
        SocketPath = socketPath;
        Reason = reason;
        Unreachable = unreachable;
    }

    public PardonClientException()
    {
        SocketPath = "";
        Reason = "";
    }

    public PardonClientException(string message)
        : base(message)
    {
        SocketPath = "";
        Reason = message;
    }

    public PardonClientException(string message, Exception innerException)
        : base(message, innerException)
    {
        SocketPath = "";
        Reason = message;
    }

    public string SocketPath { get; }

    /// <summary>What went wrong, in a few words ("no such file", "connection refused", "no answer within 2 s").</summary>
    public string Reason { get; }

    /// <summary>True when no daemon could be connected to at all (as opposed to one that misbehaved).</summary>
    public bool Unreachable { get; }

    /// <summary>True when nothing listens at the path: no socket file, or a stale one. What "no daemon running" looks like.</summary>
    public bool NoDaemon { get; init; }
}
