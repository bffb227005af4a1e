// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Pardons;

namespace Pardon.Core.Tests;

/// <summary>The immutable pardon snapshot the monitor reads without a lock, and the reference it is published through.</summary>
public sealed class PardonSnapshotTests
{
    [Fact]
    public void Find_MatchesPidAndStartTime_NeverAReusedPid()
    {
        var snapshot = new PardonSnapshot([TestProcess.Grant(20)]);

        Assert.NotNull(snapshot.Find(TestProcess.Make(20)));
        Assert.Null(snapshot.Find(TestProcess.Make(20, startTicks: TestProcess.OldStartTicks + 1)));
        Assert.Null(snapshot.Find(TestProcess.Make(21)));
    }

    [Fact]
    public void Grants_AreByPid_AndCountedPerRequester()
    {
        var snapshot = new PardonSnapshot([TestProcess.Grant(30), TestProcess.Grant(10), TestProcess.Grant(20) with { RequestedByUid = 7 }]);

        Assert.Equal([10, 20, 30], snapshot.Grants.Select(g => g.Pid));
        Assert.Equal(2, snapshot.CountRequestedBy(1000));
        Assert.Equal(1, snapshot.CountRequestedBy(7));
        Assert.Equal(20, snapshot.FindByPid(20)!.Pid);
        Assert.Null(snapshot.FindByPid(40));
    }

    [Fact]
    public void Find_IsAllocationFree_WithOrWithoutPardons()
    {
        var snapshot = new PardonSnapshot([TestProcess.Grant(20)]);
        ProcessFacts hit = TestProcess.Make(20);
        ProcessFacts miss = TestProcess.Make(21);
        _ = snapshot.Find(hit);
        _ = PardonSnapshot.Empty.Find(miss);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            _ = snapshot.Find(hit);
            _ = snapshot.Find(miss);
            _ = PardonSnapshot.Empty.Find(hit);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Published_ReadersSeeOneWholeSnapshot_WhileItIsReplaced()
    {
        var published = new PublishedPardons();
        ProcessFacts p = TestProcess.Make(20);
        Assert.Null(published.Find(p));
        using var stop = new CancellationTokenSource();
        Task writer = Task.Run(() =>
        {
            var with = new PardonSnapshot([TestProcess.Grant(20), TestProcess.Grant(21)]);
            while (!stop.IsCancellationRequested)
            {
                published.Publish(with);
                published.Publish(PardonSnapshot.Empty);
            }
        });

        for (int i = 0; i < 100_000; i++)
        {
            PardonSnapshot s = published.Current;
            Assert.True(s.Count is 0 or 2);
            Assert.Equal(s.Count == 2, s.Find(p) is not null);
        }

        stop.Cancel();
        await writer;
    }
}
