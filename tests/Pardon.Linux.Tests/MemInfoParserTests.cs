// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary>/proc/meminfo (fs/proc/meminfo.c), in KiB.</summary>
public sealed class MemInfoParserTests
{
    /// <summary>A 3.2-era /proc/meminfo: no MemAvailable (added in 3.14).</summary>
    private const string OldKernel =
        "MemTotal:        2052256 kB\n" +
        "MemFree:          119308 kB\n" +
        "Buffers:          131456 kB\n" +
        "Cached:          1130104 kB\n" +
        "SwapCached:         1824 kB\n" +
        "Active:          1009476 kB\n" +
        "Inactive:         716488 kB\n" +
        "SwapTotal:       2097148 kB\n" +
        "SwapFree:        2082532 kB\n" +
        "Dirty:               124 kB\n" +
        "AnonPages:        462584 kB\n" +
        "Mapped:            61236 kB\n" +
        "Shmem:             21108 kB\n" +
        "HugePages_Total:       0\n" +
        "Hugepagesize:       2048 kB\n";

    [Fact]
    public void TryParseMemInfo_RealSample_ReadsTheFigures()
    {
        Assert.True(ProcFs.TryParseMemInfo(Text.Bytes(KernelSamples.MemInfo), out ParsedMemInfo m));
        Assert.Equal(24684096, m.MemTotal);
        Assert.Equal(23827064, m.MemFree);
        Assert.Equal(24097300, m.MemAvailable);
        Assert.True(m.HasMemAvailable);
        Assert.Equal(2376, m.Buffers);
        Assert.Equal(488704, m.Cached);
        Assert.Equal(0, m.SwapTotal);
        Assert.Equal(0, m.SwapFree);
        Assert.Equal(134772, m.AnonPages);
        Assert.Equal(61148, m.Shmem);
    }

    [Fact]
    public void TryParseMemInfo_OldKernel_EstimatesAvailableFromFreeAndCache()
    {
        Assert.True(ProcFs.TryParseMemInfo(Text.Bytes(OldKernel), out ParsedMemInfo m));
        Assert.False(m.HasMemAvailable);
        Assert.Equal(2052256, m.MemTotal);
        Assert.Equal(2097148, m.SwapTotal);
        Assert.Equal(2082532, m.SwapFree);
        Assert.Equal(119308 + 1130104 + 131456 - 21108, m.MemAvailable); // MemFree + Cached + Buffers − Shmem
    }

    [Fact]
    public void TryParseMemInfo_RealSampleWithoutMemAvailable_FallsBackToTheEstimate()
    {
        string text = KernelSamples.MemInfo.Replace("MemAvailable:   24097300 kB\n", "", StringComparison.Ordinal);

        Assert.True(ProcFs.TryParseMemInfo(Text.Bytes(text), out ParsedMemInfo m));
        Assert.False(m.HasMemAvailable);
        Assert.Equal(23827064 + 488704 + 2376 - 61148, m.MemAvailable);
    }

    [Fact]
    public void TryParseMemInfo_ShmemLargerThanCache_EstimateIsNotNegative()
    {
        const string text = "MemTotal: 1000 kB\nMemFree: 0 kB\nBuffers: 0 kB\nCached: 10 kB\nShmem: 500 kB\n";

        Assert.True(ProcFs.TryParseMemInfo(Text.Bytes(text), out ParsedMemInfo m));
        Assert.Equal(0, m.MemAvailable);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MemFree:          119308 kB\n")]                                    // no MemTotal
    [InlineData("MemTotal:        lots kB\nMemFree: 1 kB\n")]
    [InlineData("MemTotal:        2052256 kB\nMemFree:          abc kB\n")]
    [InlineData("MemTotal:        2052256 kB\nSwapFree: -\n")]
    [InlineData("MemTotal:        2052256 kB\nCached: 12 MB\n")]
    public void TryParseMemInfo_Malformed_ReturnsFalse(string text)
    {
        Assert.False(ProcFs.TryParseMemInfo(Text.Bytes(text), out _));
    }
}
