// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Core;
using Pardon.Linux.Io;

namespace Pardon.Linux.Tests;

public sealed class SystemMemoryReaderTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private static long MemInfoField(string text, string key)
    {
        string line = text.Split('\n').First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return long.Parse(line[(key.Length + 1)..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public void TryRead_RealProc_AgreesWithMeminfo()
    {
        using var reader = new SystemMemoryReader();

        Assert.True(reader.TryRead(1234, out MemorySample s));
        string text = File.ReadAllText("/proc/meminfo");

        Assert.Equal(MemInfoField(text, "MemTotal"), s.TotalKiB);
        Assert.Equal(MemInfoField(text, "SwapTotal"), s.SwapTotalKiB);
        Assert.InRange(s.AvailableKiB, 1, s.TotalKiB);
        Assert.InRange(s.SwapFreeKiB, 0, s.SwapTotalKiB);
        Assert.Equal(1234, s.TimestampMs);
        Assert.Equal(TotalPages.ForSystem(s.TotalKiB, s.SwapTotalKiB, Environment.SystemPageSize), (s.TotalKiB + s.SwapTotalKiB) / 4);
    }

    [Fact]
    public void TryRead_RealProcAfterWarmUp_AllocatesNothing()
    {
        using var reader = new SystemMemoryReader();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(reader.TryRead(i, out _));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool ok = reader.TryRead(10, out MemorySample s);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(ok);
        Assert.True(s.TotalKiB > 0);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TryRead_FixtureRewrittenInPlace_SeesEachVersion()
    {
        string proc = CgroupTrees.WriteProc(_tree);
        using var reader = new SystemMemoryReader(proc);

        Assert.True(reader.TryRead(1, out MemorySample first));
        _tree.Write("proc/meminfo", CgroupTrees.MemInfo.Replace("MemAvailable:    6291456 kB", "MemAvailable:     123456 kB", StringComparison.Ordinal));
        Assert.True(reader.TryRead(2, out MemorySample second));

        Assert.Equal(new MemorySample(8_388_608, 6_291_456, 2_097_152, 1_048_576, 1), first);
        Assert.Equal(new MemorySample(8_388_608, 123_456, 2_097_152, 1_048_576, 2), second);
    }

    [Fact]
    public void TryRead_OldKernelWithoutMemAvailable_UsesTheEstimate()
    {
        _tree.Write("proc/meminfo", CgroupTrees.MemInfo.Replace("MemAvailable:    6291456 kB\n", "", StringComparison.Ordinal));
        using var reader = new SystemMemoryReader(_tree.PathOf("proc"));

        Assert.True(reader.TryRead(1, out MemorySample s));
        Assert.Equal(4_194_304 + 2_097_152 + 65_536 - 65_536, s.AvailableKiB); // MemFree + Cached + Buffers − Shmem
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage\n")]
    [InlineData("MemFree: 1 kB\n")]
    public void TryRead_UnusableMeminfo_ReturnsFalse(string content)
    {
        _tree.Write("proc/meminfo", content);
        using var reader = new SystemMemoryReader(_tree.PathOf("proc"));

        Assert.False(reader.TryRead(1, out MemorySample s));
        Assert.Equal(default, s);
    }

    [Fact]
    public void Constructor_NoMeminfo_ThrowsWithErrno()
    {
        string proc = _tree.CreateDirectory("empty-proc");

        LinuxException e = Assert.Throws<LinuxException>(() => new SystemMemoryReader(proc));

        Assert.Equal(Interop.Errno.ENOENT, e.Errno);
        Assert.Contains($"open {proc}/meminfo", e.Message, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", e.Message, StringComparison.Ordinal);
    }
}
