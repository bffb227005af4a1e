// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Io;

namespace Pardon.Linux.Procfs;

/// <summary>Every process on the machine: the numeric entries of /proc.</summary>
public sealed class ProcPidSource : IPidSource, IDisposable
{
    private readonly SafeFdHandle _procDir;
    private readonly DirectoryReader _reader = new();

    public ProcPidSource(string procRoot = "/proc")
    {
        _procDir = FdIo.OpenOrThrow(procRoot, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY);
    }

    public bool OrderIsKernelOrder => false;

    public bool Collect(PidList into)
    {
        into.Clear();
        return _reader.ForEach(_procDir.Fd, ref into, static (ref PidList list, ReadOnlySpan<byte> name, byte type, ulong inode) =>
        {
            if (Utf8Number.TryParseInt32(name, out int pid) && pid > 0)
            {
                list.Add(pid, 0);
            }
        });
    }

    public void Dispose() => _procDir.Dispose();
}
