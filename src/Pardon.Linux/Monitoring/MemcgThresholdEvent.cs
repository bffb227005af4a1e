// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text;
using Pardon.Linux.Io;

namespace Pardon.Linux.Monitoring;

/// <summary>
/// A cgroup v1 memory threshold notification (Documentation/admin-guide/cgroup-v1/memory.rst, "Memory
/// thresholds"): "&lt;event_fd&gt; &lt;fd of memory.usage_in_bytes&gt; &lt;threshold&gt;" written to
/// cgroup.event_control makes the kernel signal the eventfd whenever usage crosses the threshold, in
/// either direction. It wakes the monitor the moment usage nears the limit, however long it meant to sleep.
/// </summary>
public sealed class MemcgThresholdEvent : IDisposable
{
    private readonly EventFd _event;
    private readonly SafeFdHandle _usage;

    private MemcgThresholdEvent(EventFd ev, SafeFdHandle usage, long thresholdBytes)
    {
        _event = ev;
        _usage = usage;
        ThresholdBytes = thresholdBytes;
    }

    public int Fd => _event.Fd;

    public long ThresholdBytes { get; }

    public string Description => string.Create(CultureInfo.InvariantCulture, $"cgroup v1 usage threshold at {ThresholdBytes / (1024 * 1024)} MiB");

    public static MemcgThresholdEvent? TryCreate(string cgroupDirectory, long thresholdBytes, out string error)
    {
        var ev = new EventFd();
        int usage = FdIo.Open(Path.Combine(cgroupDirectory, "memory.usage_in_bytes"), Interop.Libc.O_RDONLY);
        if (usage < 0)
        {
            ev.Dispose();
            error = "memory.usage_in_bytes: " + System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(-usage);
            return null;
        }

        var usageHandle = new SafeFdHandle(usage);
        string control = Path.Combine(cgroupDirectory, "cgroup.event_control");
        int ctl = FdIo.Open(control, Interop.Libc.O_WRONLY);
        int rc = ctl < 0 ? ctl : FdIo.Write(ctl, Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{ev.Fd} {usage} {thresholdBytes}")));
        if (ctl >= 0)
        {
            Interop.Libc.Close(ctl);
        }

        if (rc < 0)
        {
            ev.Dispose();
            usageHandle.Dispose();
            error = $"{control}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(-rc)}";
            return null;
        }

        error = "";
        return new MemcgThresholdEvent(ev, usageHandle, thresholdBytes);
    }

    public void Drain() => _event.Drain();

    /// <summary>
    /// True when usage is below the threshold now: the kernel will signal the eventfd before usage can go
    /// past it, so the monitor need not poll this cgroup meanwhile. One pread of memory.usage_in_bytes,
    /// allocation-free; false when it cannot be read (poll, to be safe).
    /// </summary>
    public bool IsBelowThreshold()
    {
        Span<byte> buffer = stackalloc byte[32];
        int n = FdIo.PReadRecord(_usage, buffer);
        return n > 0 && Utf8Number.TryParseInt64(buffer[..n].TrimEnd((byte)'\n'), out long usage) && usage < ThresholdBytes;
    }

    public void Dispose()
    {
        // Closing the eventfd unregisters the threshold (memcg_event_remove on EPOLLHUP).
        _event.Dispose();
        _usage.Dispose();
    }
}
