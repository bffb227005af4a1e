// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Cgroups;

namespace Pardon.Linux.Tests;

/// <summary>Flat keyed cgroupfs files: memory.stat, memory.events, memory.oom_control.</summary>
public sealed class KeyedFileTests
{
    private const string MemoryEvents = "low 0\nhigh 17\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n";

    [Theory]
    [InlineData(KernelSamples.V1LimitedMemoryStat, "hierarchical_memory_limit", 268435456L)]
    [InlineData(KernelSamples.V1LimitedMemoryStat, "hierarchical_memsw_limit", 402653184L)]
    [InlineData(KernelSamples.V1LimitedMemoryStat, "total_inactive_file", 0L)]
    [InlineData(KernelSamples.V1MemoryStat, "hierarchical_memory_limit", 9223372036854771712L)]
    [InlineData(KernelSamples.V1MemoryStat, "inactive_file", 4878336L)]              // not total_inactive_file's line
    [InlineData(KernelSamples.V1MemoryStat, "total_inactive_file", 4878336L)]
    [InlineData(KernelSamples.V1MemoryStat, "rss", 2310144L)]                        // not rss_huge
    [InlineData(KernelSamples.V1MemoryStat, "cache", 19554304L)]                     // the first line
    [InlineData(MemoryEvents, "oom", 3L)]                                            // not oom_kill or oom_group_kill
    [InlineData(MemoryEvents, "oom_kill", 2L)]
    [InlineData(MemoryEvents, "oom_group_kill", 0L)]
    [InlineData("oom_kill_disable 0\nunder_oom 0\noom_kill 5\n", "oom_kill", 5L)]    // v1 memory.oom_control
    [InlineData("oom 3 \n", "oom", 3L)]
    public void TryGet_Key_FindsItsLine(string content, string key, long expected)
    {
        Assert.True(KeyedFile.TryGet(Text.Bytes(content), Text.Bytes(key), out long value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(MemoryEvents, "oom_")]
    [InlineData(MemoryEvents, "events")]
    [InlineData(MemoryEvents, "")]
    [InlineData("oom abc\n", "oom")]
    [InlineData("oom\n", "oom")]
    [InlineData("", "oom")]
    public void TryGet_MissingOrGarbage_ReturnsFalse(string content, string key)
    {
        Assert.False(KeyedFile.TryGet(Text.Bytes(content), Text.Bytes(key), out _));
    }
}
