// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Daemon.Events;

namespace Pardon.Daemon.Tests.Events;

public sealed class EventCoalescerTests
{
    private static DaemonEvent Warning(string code, uint? uid = null, string? scope = null) =>
        new() { Event = "warning", Code = code, Uid = uid, Scope = scope, Message = code };

    [Fact]
    public void TryAbsorb_RepeatsWithinTheWindow_AreCountedAndSummedUpOnce()
    {
        var c = new EventCoalescer(windowTicks: 100);

        Assert.False(c.TryAbsorb(Warning("a"), 0, out DaemonEvent? f0));
        Assert.Null(f0);
        DaemonEvent last = Warning("a");
        Assert.True(c.TryAbsorb(Warning("a"), 10, out _));
        Assert.True(c.TryAbsorb(last, 99, out _));

        var summaries = new List<DaemonEvent>();
        c.Sweep(50, summaries);
        Assert.Empty(summaries); // the window is still open
        c.Sweep(100, summaries);
        DaemonEvent summary = Assert.Single(summaries);
        Assert.Same(last, summary);
        Assert.Equal(2, summary.Repeats);
        Assert.Equal(2, c.Absorbed);
    }

    [Fact]
    public void TryAbsorb_DifferentCodeUidOrScope_AreNotFolded()
    {
        var c = new EventCoalescer(windowTicks: 100);
        Assert.False(c.TryAbsorb(Warning("a", 1), 0, out _));
        Assert.False(c.TryAbsorb(Warning("b", 1), 1, out _));
        Assert.False(c.TryAbsorb(Warning("a", 2), 2, out _));
        Assert.False(c.TryAbsorb(Warning("a", 1, "/sys/fs/cgroup/x"), 3, out _));
        Assert.True(c.TryAbsorb(Warning("a", 1), 4, out _));
    }

    [Fact]
    public void TryAbsorb_AfterTheWindow_StartsANewOneAndHandsBackTheOldSummary()
    {
        var c = new EventCoalescer(windowTicks: 100);
        c.TryAbsorb(Warning("a"), 0, out _);
        c.TryAbsorb(Warning("a"), 50, out _);

        Assert.False(c.TryAbsorb(Warning("a"), 150, out DaemonEvent? flushed));
        Assert.NotNull(flushed);
        Assert.Equal(1, flushed.Repeats);
        Assert.True(c.TryAbsorb(Warning("a"), 200, out _)); // within the new window
    }

    [Fact]
    public void TryAbsorb_ManyThreads_NoRepeatIsLost()
    {
        var c = new EventCoalescer(windowTicks: long.MaxValue / 2);
        c.TryAbsorb(Warning("a"), 0, out _);
        Parallel.For(0, 8, worker =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                Assert.True(c.TryAbsorb(Warning("a"), 1, out _));
            }
        });

        var summaries = new List<DaemonEvent>();
        c.Sweep(long.MaxValue, summaries);
        Assert.Equal(80_000, Assert.Single(summaries).Repeats);
    }

    [Fact]
    public void WindowZero_CoalescesNothing()
    {
        var c = new EventCoalescer(windowTicks: 0);
        Assert.False(c.TryAbsorb(Warning("a"), 0, out _));
        Assert.False(c.TryAbsorb(Warning("a"), 0, out _));
    }
}
