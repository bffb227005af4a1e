// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

namespace Pardon.Linux.Monitoring;

/// <summary>
/// The monitor's sleep: poll(2) on a fixed set of descriptors with a timeout, so a stop request, a PSI
/// trigger or a cgroup threshold ends the sleep at once. The pollfd array is allocated once.
/// </summary>
public sealed unsafe class WaitSet
{
    private readonly Interop.Libc.PollFd[] _fds;
    private readonly short[] _events;

    /// <param name="fds">Descriptors with the events to wait for (POLLIN for eventfds, POLLPRI for PSI).</param>
    public WaitSet(ReadOnlySpan<(int Fd, short Events)> fds)
    {
        _fds = new Interop.Libc.PollFd[fds.Length];
        _events = new short[fds.Length];
        for (int i = 0; i < fds.Length; i++)
        {
            _fds[i] = new Interop.Libc.PollFd { fd = fds[i].Fd, events = fds[i].Events };
            _events[i] = fds[i].Events;
        }
    }

    public const short In = Interop.Libc.POLLIN;
    public const short Pri = Interop.Libc.POLLPRI;

    /// <summary>
    /// Sleeps up to <paramref name="timeoutMs"/>; returns a bit mask of the descriptors that became ready
    /// (bit i for the i-th), 0 on timeout. POLLERR/POLLHUP also count as ready (a PSI trigger whose
    /// source went away reports POLLERR).
    /// </summary>
    public int Wait(int timeoutMs)
    {
        fixed (Interop.Libc.PollFd* p = _fds)
        {
            for (int i = 0; i < _fds.Length; i++)
            {
                p[i].revents = 0;
            }

            int rc = Interop.Libc.Poll(p, (nuint)_fds.Length, timeoutMs);
            if (rc <= 0)
            {
                // 0: timeout. <0: EINTR (a signal); the caller's loop re-reads memory either way.
                _ = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
                return 0;
            }

            int mask = 0;
            for (int i = 0; i < _fds.Length; i++)
            {
                if (p[i].revents != 0)
                {
                    mask |= 1 << i;
                }
            }

            return mask;
        }
    }
}
