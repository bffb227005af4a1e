// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using Pardon.Linux.Io;

namespace Pardon.Linux.Tests;

/// <summary>The descriptor helpers return a negative errno instead of throwing.</summary>
public sealed class FdIoTests
{
    private const int EISDIR = 21;   // asm-generic/errno-base.h

    private static byte[] Path(string path) => Encoding.UTF8.GetBytes(path);

    [Theory]
    [InlineData("/pardon-unit-test/does/not/exist", 0, Interop.Errno.ENOENT)]
    [InlineData("/proc/meminfo/child", 0, Interop.Errno.ENOTDIR)]
    public void Open_Missing_NegativeErrno(string path, int flags, int errno)
    {
        Assert.Equal(-errno, FdIo.Open(path, flags));
    }

    [Fact]
    public void Open_FileAsDirectory_Enotdir()
    {
        Assert.Equal(-Interop.Errno.ENOTDIR, FdIo.Open("/proc/meminfo", Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY));
    }

    [Fact]
    public void OpenAt_PathWithANul_Einval()
    {
        // C would stop at the NUL and open another file than the one named.
        Assert.Equal(-Interop.Errno.EINVAL, FdIo.OpenAt(Interop.Libc.AT_FDCWD, Path("/proc/meminfo\0/etc/shadow"), Interop.Libc.O_RDONLY));
        Assert.Equal(-Interop.Errno.EINVAL, FdIo.StatAt(Interop.Libc.AT_FDCWD, Path("/proc\0x"), out _));
        Assert.Equal(-Interop.Errno.EINVAL, FdIo.ReadLinkAt(Interop.Libc.AT_FDCWD, Path("/proc/self/exe\0"), new byte[64]));
    }

    [Theory]
    [InlineData(FdIo.PathMax)]
    [InlineData(64 * 1024 * 1024)] // once a stackalloc of the path's length: a stack overflow, the end of the process
    public void PathOfPathMaxOrMore_Enametoolong_NeverOnTheStack(int length)
    {
        byte[] path = new byte[length];
        path.AsSpan().Fill((byte)'a');
        path[0] = (byte)'/';

        Assert.Equal(-Interop.Errno.ENAMETOOLONG, FdIo.OpenAt(Interop.Libc.AT_FDCWD, path, Interop.Libc.O_RDONLY));
        Assert.Equal(-Interop.Errno.ENAMETOOLONG, FdIo.StatAt(Interop.Libc.AT_FDCWD, path, out _));
        Assert.Equal(-Interop.Errno.ENAMETOOLONG, FdIo.ReadLinkAt(Interop.Libc.AT_FDCWD, path, new byte[64]));
    }

    [Fact]
    public void LongPathBelowPathMax_Works()
    {
        // Longer than the stack buffer (MaxPath), shorter than PATH_MAX: opened through a heap copy.
        string dir = Directory.CreateTempSubdirectory("pardon-fdio-").FullName;
        try
        {
            string deep = dir;
            while (Encoding.UTF8.GetByteCount(deep) < FdIo.MaxPath + 100)
            {
                deep = System.IO.Path.Combine(deep, new string('d', 120));
            }

            Directory.CreateDirectory(deep);
            string file = System.IO.Path.Combine(deep, "f");
            File.WriteAllText(file, "hello");
            File.CreateSymbolicLink(file + ".link", file);

            Assert.Equal(0, FdIo.StatAt(Interop.Libc.AT_FDCWD, Path(file), out Interop.Libc.Statx sx));
            Assert.Equal(5ul, sx.stx_size);
            int fd = FdIo.OpenAt(Interop.Libc.AT_FDCWD, Path(file), Interop.Libc.O_RDONLY);
            Assert.True(fd >= 0, $"open: {fd}");
            Interop.Libc.Close(fd);
            var buffer = new byte[FdIo.PathMax];
            int n = FdIo.ReadLinkAt(Interop.Libc.AT_FDCWD, Path(file + ".link"), buffer);
            Assert.Equal(file, Encoding.UTF8.GetString(buffer, 0, n));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ReadFileAt_Missing_Enoent()
    {
        Assert.Equal(-Interop.Errno.ENOENT, FdIo.ReadFileAt(Interop.Libc.AT_FDCWD, Path("/pardon-unit-test/missing"), new byte[64]));
    }

    [Fact]
    public void ReadFileAt_Directory_Eisdir()
    {
        Assert.Equal(-EISDIR, FdIo.ReadFileAt(Interop.Libc.AT_FDCWD, Path("/proc"), new byte[64]));
    }

    [Fact]
    public void ReadFileAt_RealFile_ReadsItAll()
    {
        var buffer = new byte[64 * 1024];
        int n = FdIo.ReadFileAt(Interop.Libc.AT_FDCWD, Path("/proc/self/status"), buffer);

        Assert.True(n > 0);
        Assert.StartsWith("Name:\t", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);
    }

    [Fact]
    public void PReadAll_BufferTooSmall_ReturnsItsLength()
    {
        var small = new byte[16];

        Assert.Equal(small.Length, FdIo.ReadFileAt(Interop.Libc.AT_FDCWD, Path("/proc/meminfo"), small));
        Assert.Equal("MemTotal:       ", Encoding.ASCII.GetString(small));
    }

    [Theory]
    [InlineData("/proc/meminfo")]
    [InlineData("/proc/self/stat")]
    [InlineData("/proc/self/status")]
    [InlineData("/proc/self/statm")]
    [InlineData("/proc/self/oom_score_adj")]
    public void PReadRecord_SingleRecordFile_WholeTextLikePReadAll(string path)
    {
        using SafeFdHandle fd = FdIo.OpenOrThrow(path, Interop.Libc.O_RDONLY);
        var record = new byte[64 * 1024];
        var all = new byte[64 * 1024];

        int n = FdIo.PReadRecord(fd, record);
        int m = FdIo.PReadAll(fd, all);

        // The two reads are moments apart; the texts' shape, not every figure, must agree.
        Assert.True(n > 0 && n < record.Length, $"{n}");
        Assert.Equal('\n', (char)record[n - 1]);
        Assert.Equal(CountLines(all.AsSpan(0, m)), CountLines(record.AsSpan(0, n)));
    }

    [Fact]
    public void PReadRecord_BufferTooSmall_ReturnsItsLength()
    {
        using SafeFdHandle fd = FdIo.OpenOrThrow("/proc/meminfo", Interop.Libc.O_RDONLY);
        var small = new byte[16];

        Assert.Equal(small.Length, FdIo.PReadRecord(fd, small));
        Assert.Equal("MemTotal:       ", Encoding.ASCII.GetString(small));
        Assert.Equal(-Interop.Errno.EBADF, FdIo.PReadRecord(-1, small));
    }

    [Fact]
    public void ReadRecordAt_RegularFileExactlyTheBufferSize_ReadsItAll()
    {
        string file = System.IO.Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, new string('x', 100));
            var exact = new byte[100];
            var larger = new byte[101];

            Assert.Equal(100, FdIo.ReadRecordAt(Interop.Libc.AT_FDCWD, Path(file), exact));
            Assert.Equal(100, FdIo.ReadRecordAt(Interop.Libc.AT_FDCWD, Path(file), larger));
            Assert.Equal(-Interop.Errno.ENOENT, FdIo.ReadRecordAt(Interop.Libc.AT_FDCWD, Path(file + ".missing"), larger));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static int CountLines(ReadOnlySpan<byte> text) => text.Count((byte)'\n');

    [Fact]
    public void PReadAll_BadDescriptor_Ebadf()
    {
        Assert.Equal(-Interop.Errno.EBADF, FdIo.PReadAll(-1, new byte[8]));
    }

    [Fact]
    public void ReadLinkAt_NotASymlink_Einval()
    {
        Assert.Equal(-Interop.Errno.EINVAL, FdIo.ReadLinkAt(Interop.Libc.AT_FDCWD, Path("/proc/meminfo"), new byte[256]));
        Assert.Equal(-Interop.Errno.ENOENT, FdIo.ReadLinkAt(Interop.Libc.AT_FDCWD, Path("/pardon-unit-test/missing"), new byte[256]));
    }

    [Fact]
    public void ReadLinkAt_ProcSelfExe_IsTheExecutable()
    {
        var buffer = new byte[4096];
        int n = FdIo.ReadLinkAt(Interop.Libc.AT_FDCWD, Path("/proc/self/exe"), buffer);

        Assert.Equal(new FileInfo("/proc/self/exe").LinkTarget, Encoding.UTF8.GetString(buffer, 0, n));
    }

    [Theory]
    [InlineData("/proc/meminfo", 0x8000)]   // S_IFREG
    [InlineData("/proc", 0x4000)]           // S_IFDIR
    [InlineData("/proc/self", 0x4000)]      // followed
    public void StatAt_Existing_FileType(string path, int type)
    {
        Assert.Equal(0, FdIo.StatAt(Interop.Libc.AT_FDCWD, Path(path), out Interop.Libc.Statx sx));
        Assert.Equal(type, sx.stx_mode & 0xF000);
        Assert.True(sx.stx_ino != 0);
    }

    [Fact]
    public void StatAt_Missing_Enoent()
    {
        Assert.Equal(-Interop.Errno.ENOENT, FdIo.StatAt(Interop.Libc.AT_FDCWD, Path("/pardon-unit-test/missing"), out _));
    }

    [Fact]
    public void Write_ReadOnlyDescriptor_Ebadf()
    {
        using SafeFdHandle devNull = FdIo.OpenOrThrow("/dev/null", Interop.Libc.O_RDONLY);
        using SafeFdHandle devNullW = FdIo.OpenOrThrow("/dev/null", Interop.Libc.O_WRONLY);

        Assert.Equal(-Interop.Errno.EBADF, FdIo.Write(devNull.Fd, "x"u8));
        Assert.Equal(0, FdIo.Write(devNullW.Fd, "pardon"u8));
    }

    [Fact]
    public void OpenOrThrow_Missing_LinuxExceptionWithErrnoAndStrerror()
    {
        LinuxException e = Assert.Throws<LinuxException>(() => FdIo.OpenOrThrow("/pardon-unit-test/missing", Interop.Libc.O_RDONLY));

        Assert.Equal(Interop.Errno.ENOENT, e.Errno);
        Assert.Equal("open /pardon-unit-test/missing", e.Operation);
        Assert.Equal("open /pardon-unit-test/missing: No such file or directory (errno 2)", e.Message);
    }
}
