// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text;
using Pardon.Linux.Io;

namespace Pardon.Linux.Monitoring;

/// <summary>
/// A PSI trigger (Documentation/accounting/psi.rst, "Monitoring for pressure thresholds"): the kernel
/// raises POLLPRI on the descriptor when tasks stalled on memory for more than the threshold within the
/// window. Without CAP_SYS_RESOURCE the window must be a multiple of 2 s and the kernel checks it with
/// its 2 s averaging (psi_trigger_create()), so Pardon uses it as an early wake-up, not as a trigger to kill.
/// </summary>
public sealed class PsiTrigger : IDisposable
{
    private readonly SafeFdHandle _handle;

    private PsiTrigger(SafeFdHandle handle, string description)
    {
        _handle = handle;
        Description = description;
    }

    public int Fd => _handle.Fd;

    public string Description { get; }

    /// <summary>Creates a trigger on a pressure file (/proc/pressure/memory or a v2 cgroup's memory.pressure).</summary>
    public static PsiTrigger? TryCreate(string pressureFile, long stallUs, long windowUs, out string error)
    {
        int fd = FdIo.Open(pressureFile, Interop.Libc.O_RDWR | Interop.Libc.O_NONBLOCK);
        if (fd < 0)
        {
            error = $"{pressureFile}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(-fd)}";
            return null;
        }

        var handle = new SafeFdHandle(fd);
        string spec = string.Create(CultureInfo.InvariantCulture, $"some {stallUs} {windowUs}");
        int rc = FdIo.Write(fd, Encoding.ASCII.GetBytes(spec + "\0"));
        if (rc < 0)
        {
            handle.Dispose();
            error = $"{pressureFile}: trigger \"{spec}\" refused: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(-rc)}";
            return null;
        }

        error = "";
        return new PsiTrigger(handle, $"PSI trigger \"{spec}\" on {pressureFile}");
    }

    public void Dispose() => _handle.Dispose();
}
