// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Pardons;
using Pardon.Daemon.Pardons;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>The monitor's non-blocking, bounded, allocation-free post box to the pardon worker.</summary>
public sealed class ObservationRingTests
{
    private static PardonObservation Seen(int pid) => new(new PardonKey(pid, 1), PardonLapse.OverCeiling, pid);

    [Fact]
    public void Full_DropsAndCounts_NeverWaits_AndKeepsOrder()
    {
        var ring = new ObservationRing(capacity: 4);
        for (int i = 1; i <= 10; i++)
        {
            Assert.Equal(i <= 4, ring.TryWrite(Seen(i)));
        }

        Assert.Equal(6, ring.Dropped);
        for (int i = 1; i <= 4; i++)
        {
            Assert.True(ring.TryRead(out PardonObservation o));
            Assert.Equal(i, o.Key.Pid);
        }

        Assert.False(ring.TryRead(out _));
        Assert.True(ring.TryWrite(Seen(11)));
        Assert.True(ring.TryRead(out PardonObservation last));
        Assert.Equal(11, last.Key.Pid);
    }

    [Fact]
    public async Task OneProducer_OneConsumer_LoseNothingThatFit()
    {
        var ring = new ObservationRing(capacity: 64);
        const int Count = 200_000;
        long sum = 0;
        Task consumer = Task.Run(() =>
        {
            int seen = 0;
            while (seen < Count)
            {
                if (ring.TryRead(out PardonObservation o))
                {
                    sum += o.HeldKiB;
                    seen++;
                }
            }
        });

        long expected = 0;
        for (int i = 1; i <= Count; i++)
        {
            while (!ring.TryWrite(Seen(i)))
            {
                Thread.SpinWait(1);
            }

            expected += i;
        }

        await consumer;
        Assert.Equal(expected, sum);
    }

    [Fact]
    public void Write_IsAllocationFree()
    {
        var ring = new ObservationRing(capacity: 8);
        _ = ring.TryWrite(Seen(1));
        _ = ring.TryRead(out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            _ = ring.TryWrite(Seen(i));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
