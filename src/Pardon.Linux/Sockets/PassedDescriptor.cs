// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Io;

namespace Pardon.Linux.Sockets;

/// <summary>A descriptor a client passed with its request (SCM_RIGHTS), owned until disposed or taken.</summary>
public sealed class PassedDescriptor : IDisposable
{
    private SafeFdHandle? _handle;

    public PassedDescriptor(int fd)
    {
        _handle = new SafeFdHandle(fd);
    }

    /// <summary>The descriptor; -1 once taken or disposed.</summary>
    public int Fd => _handle is { IsClosed: false } h ? h.Fd : -1;

    /// <summary>Hands the descriptor over (the caller owns it from now on); null when already taken.</summary>
    internal SafeFdHandle? Take() => Interlocked.Exchange(ref _handle, null);

    public void Dispose() => Interlocked.Exchange(ref _handle, null)?.Dispose();
}
