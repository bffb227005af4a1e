// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Pressure;

/// <summary>
/// A memory PSI file kept open and re-read with one pread(2) into a buffer of its own, so a reading allocates
/// nothing (psi_show() prints the whole file as one seq_file record).
/// </summary>
public sealed class PressureFile : IDisposable
{
    private readonly SafeFdHandle _fd;
    private readonly byte[] _buffer = new byte[256];

    private PressureFile(SafeFdHandle fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    public string Path { get; }

    /// <summary>
    /// Opens <paramref name="path"/> and reads it once. Null, with the reason in <paramref name="error"/>, when it
    /// is missing or unreadable — PSI compiled out, or disabled with psi=0 (then reading fails with EOPNOTSUPP;
    /// kernel/sched/psi.c psi_show()), or a cgroup's pressure files switched off (cgroup.pressure = 0).
    /// </summary>
    public static PressureFile? TryOpen(string path, out string error)
    {
        int fd = FdIo.Open(path, Interop.Libc.O_RDONLY);
        if (fd < 0)
        {
            error = -fd == Interop.Errno.ENOENT
                ? $"{path} does not exist"
                : $"{path}: {Marshal.GetPInvokeErrorMessage(-fd)}";
            return null;
        }

        var file = new PressureFile(new SafeFdHandle(fd), path);
        int n = FdIo.PReadRecord(file._fd, file._buffer);
        if (n < 0 || !ProcFs.TryParsePressure(file._buffer.AsSpan(0, Math.Max(n, 0)), out _))
        {
            error = n == -Interop.Errno.EOPNOTSUPP
                ? $"{path}: PSI is disabled in this kernel (boot with psi=1)"
                : n < 0 ? $"{path}: {Marshal.GetPInvokeErrorMessage(-n)}" : $"{path}: not a PSI file";
            file.Dispose();
            return null;
        }

        error = "";
        return file;
    }

    /// <summary>Reads the file now; false when it cannot be read any more (the cgroup was removed).</summary>
    public bool TryRead(out PressureSample sample)
    {
        int n = FdIo.PReadRecord(_fd, _buffer);
        if (n <= 0 || !ProcFs.TryParsePressure(_buffer.AsSpan(0, n), out ParsedPressure p))
        {
            sample = default;
            return false;
        }

        sample = new PressureSample
        {
            SomeTotalUs = (long)Math.Min(p.SomeTotalUs, long.MaxValue),
            FullTotalUs = (long)Math.Min(p.FullTotalUs, long.MaxValue),
            SomeAvg10 = p.SomeAvg10,
            SomeAvg60 = p.SomeAvg60,
            FullAvg10 = p.FullAvg10,
            FullAvg60 = p.FullAvg60,
            HasFull = p.HasFull,
        };
        return true;
    }

    public void Dispose() => _fd.Dispose();
}
