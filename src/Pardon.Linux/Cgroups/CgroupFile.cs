// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Io;

namespace Pardon.Linux.Cgroups;

/// <summary>One cgroupfs file kept open and re-read with pread(2) at offset 0, into a caller's buffer.</summary>
internal sealed class CgroupFile : IDisposable
{
    private readonly SafeFdHandle _fd;

    private CgroupFile(SafeFdHandle fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    public string Path { get; }

    public static CgroupFile Open(string path) => new(FdIo.OpenOrThrow(path, Interop.Libc.O_RDONLY), path);

    public static CgroupFile? TryOpen(string path)
    {
        int fd = FdIo.Open(path, Interop.Libc.O_RDONLY);
        return fd < 0 ? null : new CgroupFile(new SafeFdHandle(fd), path);
    }

    /// <summary>The file's content, or an empty span when it could not be read (the cgroup was removed).</summary>
    public ReadOnlySpan<byte> Read(Span<byte> buffer)
    {
        int n = FdIo.PReadRecord(_fd, buffer);
        return n > 0 ? buffer[..n] : default;
    }

    /// <summary>Reads a single-value file: a number of bytes, or "max" as long.MaxValue.</summary>
    public bool TryReadValue(Span<byte> buffer, out long value)
    {
        ReadOnlySpan<byte> content = Read(buffer);
        value = 0;
        return !content.IsEmpty && Utf8Number.TryParseLimit(content, out value);
    }

    public void Dispose() => _fd.Dispose();
}
