// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;
using System.Text;
using Pardon.Core.Stall;
using Pardon.Linux.Io;
using Pardon.Linux.Security;

namespace Pardon.Linux.Pressure;

/// <summary>
/// The PSI trigger that wakes the monitor when a scope starts to stall (see <see cref="StallWakeTrigger"/>):
/// the descriptor raises POLLPRI (EPOLLPRI in an epoll set) when the stall within the trigger's window
/// exceeds its threshold, at most once per window, and POLLERR when the cgroup goes away
/// (kernel/sched/psi.c psi_trigger_poll()). Polling it consumes the event, so a level-triggered epoll set
/// does not spin. Closing the descriptor removes the trigger.
/// </summary>
public sealed class StallTrigger : IDisposable
{
    private readonly SafeFdHandle _fd;

    private StallTrigger(SafeFdHandle fd, StallWakeTrigger spec, string path)
    {
        _fd = fd;
        Spec = spec;
        Description = $"PSI trigger \"{spec}\" on {path}";
    }

    public int Fd => _fd.Fd;

    public StallWakeTrigger Spec { get; }

    public string Description { get; }

    /// <summary>
    /// Creates the trigger for <paramref name="settings"/> on <paramref name="pressureFile"/>. The kernel decides
    /// what a writer may ask by the opener's CAP_SYS_RESOURCE (psi_trigger_create()); root without it — as on
    /// this project's own machines — gets only 2 s multiples, so the 1 s window is tried only with the
    /// capability and the 2 s one is the fallback. Null, with the reason, when the kernel refuses both.
    /// </summary>
    public static StallTrigger? TryCreate(string pressureFile, StallSettings settings, out string error, bool? privileged = null)
    {
        int fd = FdIo.Open(pressureFile, Interop.Libc.O_RDWR | Interop.Libc.O_NONBLOCK);
        if (fd < 0)
        {
            error = $"{pressureFile}: {Marshal.GetPInvokeErrorMessage(-fd)}";
            return null;
        }

        var handle = new SafeFdHandle(fd);
        bool capable = privileged ?? Capabilities.HasEffective(Capabilities.CapSysResource);
        StallWakeTrigger spec = StallWakeTrigger.For(settings, capable);
        int rc = Write(fd, spec);
        if (rc == -Interop.Errno.EINVAL && capable)
        {
            spec = StallWakeTrigger.For(settings, privileged: false);
            rc = Write(fd, spec);
        }

        if (rc < 0)
        {
            handle.Dispose();
            error = $"{pressureFile}: trigger \"{spec}\" refused: {Marshal.GetPInvokeErrorMessage(-rc)}";
            return null;
        }

        error = "";
        return new StallTrigger(handle, spec, pressureFile);
    }

    private static int Write(int fd, StallWakeTrigger spec) => FdIo.Write(fd, Encoding.ASCII.GetBytes(spec + "\0"));

    public void Dispose() => _fd.Dispose();
}
