// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Pardons;

namespace Pardon.Daemon.Tests.Pardons;

public sealed class PardonLedgerTests
{
    private const long KiBPerPage = 4;
    private static readonly FileIdentity s_exe = new((8UL << 32) | 1, 777);

    private static PardonGrant Grant(int pid = 100, ulong start = 5000, uint requester = 1000, long maxRssKiB = 1024, long? expires = null) => new()
    {
        Pid = pid,
        StartTime = start,
        RequestedByUid = requester,
        RequestedByPid = 99,
        Reason = "test",
        Rule = "pardon.allow[0]",
        MaxRssKiB = maxRssKiB,
        GrantedAtUnixMs = 1000,
        ExpiresAtUnixMs = expires,
        OwnerUid = requester,
        Comm = "locker",
        Exe = "/usr/bin/locker",
        ExeIdentity = s_exe,
    };

    private static ProcessFacts Facts(int pid = 100, ulong start = 5000, long rssPages = 10, long swapPages = 0, FileIdentity? exe = null) => new()
    {
        Pid = pid,
        StartTime = start,
        RssAnonPages = rssPages,
        SwapPages = swapPages,
        ExeIdentity = exe ?? s_exe,
    };

    [Fact]
    public void Find_MatchesPidAndStartTime_NeverAReusedPid()
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant(pid: 100, start: 5000));

        Assert.NotNull(ledger.Find(Facts(pid: 100, start: 5000)));
        Assert.Null(ledger.Find(Facts(pid: 100, start: 5001)));
        Assert.Null(ledger.Find(Facts(pid: 101, start: 5000)));
    }

    [Fact]
    public void Find_EmptyLedger_IsNull() => Assert.Null(new PardonLedger().Find(Facts()));

    [Fact]
    public void Set_SameProcess_ReplacesAndReturnsTheOld()
    {
        var ledger = new PardonLedger();
        PardonGrant first = Grant();
        Assert.Null(ledger.Set(first));

        PardonGrant? replaced = ledger.Set(Grant() with { Reason = "renewed" });

        Assert.Same(first, replaced);
        Assert.Equal(1, ledger.Count);
        Assert.Equal("renewed", ledger.Find(new PardonKey(100, 5000))!.Reason);
    }

    [Fact]
    public void Remove_ReturnsTheGrant_AndCountDrops()
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant());

        Assert.NotNull(ledger.Remove(new PardonKey(100, 5000)));
        Assert.Null(ledger.Remove(new PardonKey(100, 5000)));
        Assert.Equal(0, ledger.Count);
    }

    [Fact]
    public void CountForUser_CountsWhatEachUserAskedFor()
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant(pid: 1, requester: 1000));
        ledger.Set(Grant(pid: 2, requester: 1000));
        ledger.Set(Grant(pid: 3, requester: 0));

        Assert.Equal(2, ledger.CountForUser(1000));
        Assert.Equal(1, ledger.CountForUser(0));
        Assert.Equal(0, ledger.CountForUser(65534));
    }

    [Fact]
    public void FindByPid_IgnoresStartTime_AndSnapshotIsByPid()
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant(pid: 30));
        ledger.Set(Grant(pid: 10));
        ledger.Set(Grant(pid: 20));

        Assert.Equal(30, ledger.FindByPid(30)!.Pid);
        Assert.Null(ledger.FindByPid(40));
        Assert.Equal([10, 20, 30], ledger.Snapshot().Select(g => g.Pid));
    }

    [Fact]
    public void Sweep_UnderCeiling_EndsNothing_AndRecordsUsage()
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant(maxRssKiB: 1024));
        var ending = new List<PardonEnding>();
        var unseen = new List<PardonKey>();

        ledger.Sweep([Facts(rssPages: 200, swapPages: 56)], nowUnixMs: 2000, KiBPerPage, ending, unseen);

        Assert.Empty(ending);
        Assert.Empty(unseen);
        Assert.Equal(1024, ledger.LastUsedKiB(new PardonKey(100, 5000)));
    }

    [Fact]
    public void Sweep_OverCeiling_CountsSwapToo()
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant(maxRssKiB: 1024));
        var ending = new List<PardonEnding>();

        ledger.Sweep([Facts(rssPages: 200, swapPages: 57)], 2000, KiBPerPage, ending, []);

        PardonEnding e = Assert.Single(ending);
        Assert.Equal(PardonCodes.CeilingExceeded, e.Code);
        Assert.Equal(1028, e.UsedKiB);
        Assert.Equal(1, ledger.Count);
    }

    [Fact]
    public void Sweep_NoCeiling_NeverRevokesForSize()
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant(maxRssKiB: 0));
        var ending = new List<PardonEnding>();

        ledger.Sweep([Facts(rssPages: 100_000_000)], 2000, KiBPerPage, ending, []);

        Assert.Empty(ending);
    }

    [Theory]
    [InlineData(1999, false)]
    [InlineData(2000, true)]
    [InlineData(9999, true)]
    public void Sweep_Expiry(long now, bool expired)
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant(expires: 2000));
        var ending = new List<PardonEnding>();

        ledger.Sweep([Facts()], now, KiBPerPage, ending, []);

        Assert.Equal(expired, ending.Any(e => e.Code == PardonCodes.Expired));
    }

    [Fact]
    public void Sweep_ExecdAnotherExecutable_Ends()
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant());
        var ending = new List<PardonEnding>();

        ledger.Sweep([Facts(exe: new FileIdentity(s_exe.Device, 778))], 2000, KiBPerPage, ending, []);

        Assert.Equal(PardonCodes.ExeChanged, Assert.Single(ending).Code);
    }

    [Fact]
    public void Sweep_ProcessMissingFromScan_IsReportedUnseen_NotEnded()
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant(pid: 100));
        ledger.Set(Grant(pid: 200));
        var ending = new List<PardonEnding>();
        var unseen = new List<PardonKey>();

        ledger.Sweep([Facts(pid: 100), Facts(pid: 200, start: 1)], 2000, KiBPerPage, ending, unseen);

        Assert.Empty(ending);
        Assert.Equal(new PardonKey(200, 5000), Assert.Single(unseen));
    }

    [Fact]
    public void Sweep_OverCeilingAndExpired_EndsOnce()
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant(maxRssKiB: 10, expires: 100));
        var ending = new List<PardonEnding>();

        ledger.Sweep([Facts(rssPages: 1000)], 2000, KiBPerPage, ending, []);

        Assert.Equal(PardonCodes.CeilingExceeded, Assert.Single(ending).Code);
    }

    [Fact]
    public void RecordUsage_ReportsCeiling()
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant(maxRssKiB: 1024));

        Assert.False(ledger.RecordUsage(new PardonKey(100, 5000), 1024));
        Assert.True(ledger.RecordUsage(new PardonKey(100, 5000), 1025));
        Assert.False(ledger.RecordUsage(new PardonKey(1, 1), 1_000_000));
    }

    [Fact]
    public void Sweep_SteadyState_AllocatesNothing()
    {
        var ledger = new PardonLedger();
        ledger.Set(Grant());
        ProcessFacts[] scan = [Facts(pid: 1), Facts(), Facts(pid: 300)];
        var ending = new List<PardonEnding>(4);
        var unseen = new List<PardonKey>(4);
        ledger.Sweep(scan, 2000, KiBPerPage, ending, unseen);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            ledger.Sweep(scan, 2000, KiBPerPage, ending, unseen);
            _ = ledger.Find(scan[1]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Ledger_IsSafeUnderConcurrentAddRemoveAndSweep()
    {
        var ledger = new PardonLedger();
        ProcessFacts[] scan = Enumerable.Range(1, 64).Select(i => Facts(pid: i)).ToArray();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Task writer = Task.Run(() =>
        {
            int i = 0;
            while (!stop.IsCancellationRequested)
            {
                int pid = (i++ % 64) + 1;
                ledger.Set(Grant(pid: pid));
                ledger.Remove(new PardonKey((pid % 64) + 1, 5000));
            }
        });
        var ending = new List<PardonEnding>();
        var unseen = new List<PardonKey>();
        while (!stop.IsCancellationRequested)
        {
            ending.Clear();
            unseen.Clear();
            ledger.Sweep(scan, 2000, KiBPerPage, ending, unseen);
            foreach (ProcessFacts f in scan)
            {
                _ = ledger.Find(f);
            }
        }

        await writer;
        Assert.InRange(ledger.Count, 0, 64);
    }
}
