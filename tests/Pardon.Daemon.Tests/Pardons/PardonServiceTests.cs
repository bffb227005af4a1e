// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.Versioning;
using System.Text.Json;
using Pardon.Core;
using Pardon.Core.Pardons;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Events;
using Pardon.Daemon.Pardons;
using Pardon.Linux.Io;
using Pardon.Linux.Processes;
using Pardon.Linux.Security;
using Pardon.Linux.Sockets;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>
/// PardonService end to end, in process: a real socket, real child processes (some as uid 65534), the
/// real policy, persistence and sweep. Requests over the socket come from this test process (root);
/// unprivileged callers are given to <see cref="PardonService.Handle"/> with the credentials the kernel
/// would report for them.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PardonServiceTests : IDisposable
{
    private const string Sleep = "/usr/bin/sleep";
    private readonly TempDirectory _dir = new();
    private readonly RecordingEvents _events = new();
    private readonly List<IDisposable> _cleanup = [];
    private readonly bool _hasCapSysResource = Capabilities.HasEffective(Capabilities.CapSysResource);

    private string SocketPath => _dir["run/pardon.sock"];

    private PardonConfig Config(params AllowRule[] allow) => new()
    {
        StateFile = _dir["state/pardons.json"],
        Socket = SocketPath,
        Allow = [.. allow],
        DefaultMaxRssBytes = 1L << 30,
        MaxPardonsPerUser = 4,
    };

    private static AllowRule Allow(string exe, int index = 0, string? maxRss = null, TimeSpan? maxTtl = null)
    {
        long? bytes = null;
        if (maxRss is not null && Sizes.TryParseBytes(maxRss, out long b, out _))
        {
            bytes = b;
        }

        return new AllowRule { Source = $"pardon.allow[{index}]", Exe = exe, MaxRssBytes = bytes, MaxTtl = maxTtl };
    }

    private PardonService Service(PardonConfig? config = null, bool start = true)
    {
        var service = new PardonService(config ?? Config(), _events, Status, SocketPath);
        _cleanup.Add(service);
        if (start)
        {
            service.Start();
        }

        return service;
    }

    private static DaemonStatus Status() => new()
    {
        Pid = Environment.ProcessId,
        Version = "test",
        Started = "2026-01-01T00:00:00.000Z",
        Scope = "system",
        Config = "test",
        Wakeups = [],
        Warnings = [],
    };

    private TestProcess Child(uint? uid = null, string exe = Sleep, params string[] args)
    {
        TestProcess p = args.Length > 0 ? TestProcess.Start(exe, uid, args) : TestProcess.Start(exe, uid);
        _cleanup.Add(p);
        return p;
    }

    private static PardonPeer Peer(uint uid, int pid = 4000) => new(new PeerCredentials(pid, uid, uid), null, PidNamespace.OfSelf());

    private static PardonRequest Ask(int? pid = null, long? ttlMs = null, string? reason = null) => new() { Op = PardonOp.Request, Pid = pid, TtlMs = ttlMs, Reason = reason };

    private Task<PardonResponse> SendAsync(PardonRequestMessage message)
        => PardonClient.RequestAsync(SocketPath, message, TimeSpan.FromSeconds(10));

    private static ProcessFacts Facts(TestProcess p, long rssKiB = 1024, FileIdentity? exe = null) => new()
    {
        Pid = p.Pid,
        StartTime = p.StartTime,
        RssAnonPages = rssKiB / (Environment.SystemPageSize / 1024),
        ExeIdentity = exe ?? ProcessInspector.IdentityOf(p.Exe),
    };

    [Fact]
    public void Start_ReportsKernelProtection_AsTheCapabilityAllows()
    {
        PardonService service = Service();

        Assert.Equal(_hasCapSysResource, service.KernelProtectAvailable);
        List<DaemonEvent> warnings = _events.Of("warning").Where(e => e.Code == "kernel_protect_unavailable").ToList();
        if (_hasCapSysResource)
        {
            Assert.Empty(warnings);
        }
        else
        {
            Assert.Contains("lacks CAP_SYS_RESOURCE", Assert.Single(warnings).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void KernelProtectOff_InConfig_MeansNoWarningAndNoProtection()
    {
        PardonConfig config = Config();
        config.KernelProtect = false;

        PardonService service = Service(config);

        Assert.False(service.KernelProtectAvailable);
        Assert.DoesNotContain(_events.Of("warning"), e => e.Code == "kernel_protect_unavailable");
    }

    [Fact]
    public async Task Root_PardonsAChild_OverTheSocket_ListedAndSeenByTheSelector()
    {
        PardonService service = Service();
        TestProcess child = Child();

        PardonResponse r = await SendAsync(new PardonRequestMessage { Op = "request", Pid = child.Pid, Ttl = "10m", Reason = "test" });

        Assert.True(r.Ok, r.Error);
        PardonInfo p = r.Pardon!;
        Assert.Equal(PardonPolicy.RootRule, p.Rule);
        Assert.Equal(child.StartTime, p.StartTime);
        Assert.Equal("sleep", p.Comm);
        Assert.Equal(Sleep, p.Exe);
        Assert.Equal(1L << 20, p.MaxRssKiB);
        Assert.NotNull(p.Expires);
        Assert.Equal(_hasCapSysResource, p.KernelProtected);
        Assert.Equal(_hasCapSysResource, r.KernelProtect);
        Assert.False(r.Renewed);
        Assert.NotNull(service.View.Find(Facts(child)));

        PardonResponse list = await SendAsync(new PardonRequestMessage { Op = "list" });
        Assert.Equal(child.Pid, Assert.Single(list.Pardons!).Pid);
        Assert.Equal(Environment.ProcessId, list.DaemonPid);
        Assert.Equal(_hasCapSysResource, list.KernelProtect);

        DaemonEvent granted = Assert.Single(_events.Of("pardon_granted"));
        Assert.Equal(child.Pid, granted.Pid);
        Assert.Equal(0u, granted.RequesterUid);
        Assert.Equal(Environment.ProcessId, granted.RequesterPid);
        Assert.Equal("root", granted.Rule);
        Assert.Equal("test", granted.Reason);
        Assert.NotNull(granted.Expires);
    }

    [Fact]
    public async Task WithoutKernelProtection_OomScoreAdjIsLeftAlone()
    {
        Service();
        TestProcess child = Child();

        Assert.True((await SendAsync(new PardonRequestMessage { Op = "request", Pid = child.Pid })).Ok);

        Assert.True(OomScoreAdj.TryRead(child.Pid, out short adj));
        Assert.Equal(_hasCapSysResource ? (short)-1000 : (short)0, adj);
    }

    [Fact]
    public async Task Request_WithoutPid_TargetsTheCaller_HereTheDaemonItself()
    {
        Service();

        PardonResponse r = await SendAsync(new PardonRequestMessage { Op = "request" });

        Assert.Equal(PardonCodes.NotPermitted, r.Code);
        Assert.Contains("the Pardon daemon itself", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ForNoProcess_IsNoSuchProcess_AndLogged()
    {
        Service();

        PardonResponse r = await SendAsync(new PardonRequestMessage { Op = "request", Pid = 4_194_000 });

        Assert.Equal(PardonCodes.NoSuchProcess, r.Code);
        DaemonEvent denied = Assert.Single(_events.Of("pardon_denied"));
        Assert.Equal(PardonCodes.NoSuchProcess, denied.Code);
        Assert.Equal(0u, denied.RequesterUid);
    }

    [Fact]
    public async Task Request_Again_Renews()
    {
        PardonService service = Service();
        TestProcess child = Child();

        await SendAsync(new PardonRequestMessage { Op = "request", Pid = child.Pid });
        PardonResponse again = await SendAsync(new PardonRequestMessage { Op = "request", Pid = child.Pid, Reason = "again" });

        Assert.True(again.Renewed);
        Assert.Equal(1, service.View.Count);
        Assert.Equal("again", service.View.Current.FindByPid(child.Pid)!.Reason);
    }

    [Fact]
    public async Task Release_EndsThePardon_OnceOnly()
    {
        PardonService service = Service();
        TestProcess child = Child();
        await SendAsync(new PardonRequestMessage { Op = "request", Pid = child.Pid });

        PardonResponse released = await SendAsync(new PardonRequestMessage { Op = "release", Pid = child.Pid });
        PardonResponse again = await SendAsync(new PardonRequestMessage { Op = "release", Pid = child.Pid });

        Assert.True(released.Ok, released.Error);
        Assert.Equal(child.Pid, released.Pardon!.Pid);
        Assert.Equal(0, service.View.Count);
        Assert.Equal(PardonCodes.NotPardoned, again.Code);
        DaemonEvent e = Assert.Single(_events.Of("pardon_released"));
        Assert.Equal(PardonCodes.Released, e.Code);
        Assert.Equal(Environment.ProcessId, e.RequesterPid);
    }

    [Fact]
    public async Task Release_WithAnotherStartTime_LeavesThePardon()
    {
        PardonService service = Service();
        TestProcess child = Child();
        await SendAsync(new PardonRequestMessage { Op = "request", Pid = child.Pid });

        PardonResponse r = await SendAsync(new PardonRequestMessage { Op = "release", Pid = child.Pid, StartTime = child.StartTime + 1 });

        Assert.Equal(PardonCodes.NotPardoned, r.Code);
        Assert.Equal(1, service.View.Count);
    }

    [RootFact]
    public void Unprivileged_OwnProcessRunningAllowedExe_IsGranted_ByTheRule()
    {
        PardonService service = Service(Config(Allow(Sleep, maxRss: "64MiB")));
        TestProcess child = Child(TestProcess.Nobody);

        PardonResponse r = service.Handle(Peer(TestProcess.Nobody), Ask(child.Pid, reason: "locker"));

        Assert.True(r.Ok, r.Error);
        Assert.Equal("pardon.allow[0]", r.Pardon!.Rule);
        Assert.Equal(64 * 1024, r.Pardon.MaxRssKiB);
        Assert.Equal(TestProcess.Nobody, r.Pardon.Uid);
        Assert.Equal(TestProcess.Nobody, r.Pardon.RequesterUid);
    }

    [RootFact]
    public void Unprivileged_RenamedCopyOfAllowedExe_IsDenied_NamingTheRule()
    {
        string copy = _dir["sleep-copy"];
        File.Copy(Sleep, copy);
        File.SetUnixFileMode(copy, (UnixFileMode)0b111_101_101);
        PardonService service = Service(Config(Allow(Sleep)));
        TestProcess child = Child(TestProcess.Nobody, copy);

        PardonResponse r = service.Handle(Peer(TestProcess.Nobody), Ask(child.Pid));

        Assert.Equal(PardonCodes.ExeNotAllowed, r.Code);
        Assert.Contains($"denied: {copy} (device", r.Error, StringComparison.Ordinal);
        Assert.Contains($"is not an allowed executable; pardon.allow lists {Sleep} ({PardonPolicy.DescribeIdentity(ProcessInspector.IdentityOf(Sleep))})", r.Error, StringComparison.Ordinal);
        Assert.Contains("a copy or renamed file does not match", r.Error, StringComparison.Ordinal);
        DaemonEvent denied = Assert.Single(_events.Of("pardon_denied"));
        Assert.Equal(PardonCodes.ExeNotAllowed, denied.Code);
        Assert.Equal(copy, denied.Exe);
        Assert.Equal(TestProcess.Nobody, denied.Uid);
    }

    [RootFact]
    public void Unprivileged_SomeoneElsesProcess_IsNotOwner()
    {
        PardonService service = Service(Config(Allow(Sleep)));
        TestProcess rootChild = Child();

        PardonResponse r = service.Handle(Peer(TestProcess.Nobody), Ask(rootChild.Pid));

        Assert.Equal(PardonCodes.NotOwner, r.Code);
        Assert.Contains($"process {rootChild.Pid} (sleep) belongs to uid 0, you are uid 65534", r.Error, StringComparison.Ordinal);
    }

    [RootFact]
    public void Unprivileged_BeyondMaxPerUser_IsTooMany_ButRenewingDoesNotCount()
    {
        PardonConfig config = Config(Allow(Sleep));
        config.MaxPardonsPerUser = 1;
        PardonService service = Service(config);
        TestProcess a = Child(TestProcess.Nobody);
        TestProcess b = Child(TestProcess.Nobody);

        Assert.True(service.Handle(Peer(TestProcess.Nobody), Ask(a.Pid)).Ok);
        Assert.True(service.Handle(Peer(TestProcess.Nobody), Ask(a.Pid)).Ok);
        PardonResponse r = service.Handle(Peer(TestProcess.Nobody), Ask(b.Pid));

        Assert.Equal(PardonCodes.TooMany, r.Code);
    }

    [RootFact]
    public void Unprivileged_TtlAboveMaxTtl_IsDenied()
    {
        PardonService service = Service(Config(Allow(Sleep, maxTtl: TimeSpan.FromMinutes(5))));
        TestProcess child = Child(TestProcess.Nobody);

        PardonResponse r = service.Handle(Peer(TestProcess.Nobody), Ask(child.Pid, ttlMs: 3_600_000));

        Assert.Equal(PardonCodes.TtlTooLong, r.Code);
    }

    [RootFact]
    public void Release_ByAnotherUser_IsRefused()
    {
        PardonService service = Service();
        TestProcess child = Child();
        Assert.True(service.Handle(Peer(0), Ask(child.Pid)).Ok);

        PardonResponse r = service.Handle(Peer(TestProcess.Nobody), new PardonRequest { Op = PardonOp.Release, Pid = child.Pid });

        Assert.Equal(PardonCodes.NotOwner, r.Code);
        Assert.Equal(1, service.View.Count);
    }

    [Fact]
    public void OnScan_OverCeiling_IsPostedToTheWorker_WhichRevokes()
    {
        PardonService service = Service();
        TestProcess child = Child();
        Assert.True(service.Handle(Peer(0), Ask(child.Pid)).Ok);

        service.OnScan([Facts(child, rssKiB: 2L << 20)], Clock.BootTimeMs());
        service.Flush();

        Assert.Equal(0, service.View.Count);
        DaemonEvent e = Assert.Single(_events.Of("pardon_revoked"));
        Assert.Equal(PardonCodes.CeilingExceeded, e.Code);
        Assert.Equal(2L << 20, e.RssKiB);
        Assert.Equal(1L << 20, e.MaxRssKiB);
        Assert.Contains("above its 1 GiB ceiling", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnScan_ExeChanged_IsCheckedByTheWorker_NotTakenOnTrust()
    {
        PardonService service = Service();
        TestProcess child = Child();
        Assert.True(service.Handle(Peer(0), Ask(child.Pid)).Ok);

        // A scan claiming another executable: the worker's own statx says it still runs sleep.
        service.OnScan([Facts(child, exe: new FileIdentity(1, 2))], Clock.BootTimeMs());
        service.Flush();

        Assert.Equal(1, service.View.Count);
        Assert.Empty(_events.Of("pardon_revoked"));
    }

    [Fact]
    public void Expiry_IsTheWorkersOwnTimer()
    {
        PardonService service = Service();
        TestProcess child = Child();
        Assert.True(service.Handle(Peer(0), Ask(child.Pid, ttlMs: 300)).Ok);
        Assert.Equal(1, service.View.Count);

        Assert.True(WaitFor(() => service.View.Count == 0, TimeSpan.FromSeconds(5)), "the pardon did not expire");
        Assert.Equal(PardonCodes.Expired, Assert.Single(_events.Of("pardon_revoked")).Code);
    }

    [Fact]
    public void Exec_AfterThePardon_IsRevokedByTheSweep_InScopeOrNot()
    {
        PardonService service = Service();

        // A shell that becomes sleep: same pid and start time, another executable. No scan reports it.
        TestProcess child = Child(exe: "/usr/bin/bash", args: ["-c", "read line; exec /usr/bin/sleep 60"]);
        Assert.True(service.Handle(Peer(0), Ask(child.Pid)).Ok);
        child.WriteLine("go");

        Assert.True(WaitFor(() => service.View.Count == 0, TimeSpan.FromSeconds(5)), "an exec'd process kept its pardon");
        DaemonEvent e = Assert.Single(_events.Of("pardon_revoked"));
        Assert.Equal(PardonCodes.ExeChanged, e.Code);
        Assert.Equal(child.Pid, e.Pid);
    }

    [Fact]
    public void ProcessExited_IsNoticedByTheSweep()
    {
        PardonService service = Service();
        TestProcess child = Child();
        Assert.True(service.Handle(Peer(0), Ask(child.Pid)).Ok);

        child.Kill();

        Assert.True(WaitFor(() => service.View.Count == 0, TimeSpan.FromSeconds(5)), "the pardon of an exited process stayed");
        DaemonEvent e = Assert.Single(_events.Of("pardon_released"));
        Assert.Equal(PardonCodes.Exited, e.Code);
        service.Flush();
        Assert.Empty(JsonSerializer.Deserialize(File.ReadAllBytes(service.StatePath), PardonProtocolJsonContext.Default.PardonState)!.Pardons);
    }

    [Fact]
    public void AliveOutsideAnyScan_StaysPardoned_WithItsMemoryMeasured()
    {
        PardonService service = Service();
        TestProcess child = Child();
        Assert.True(service.Handle(Peer(0), Ask(child.Pid)).Ok);

        Thread.Sleep(1500); // a sweep
        service.Flush();

        PardonGrant g = Assert.Single(service.View.Current.Grants);
        Assert.InRange(g.HeldKiB, 1, 1L << 20);
        Assert.Equal(0, g.OutsideRssKiB);
    }

    [Fact]
    public void OnScan_SteadyState_AllocatesNothing()
    {
        PardonService service = Service();
        TestProcess child = Child();
        Assert.True(service.Handle(Peer(0), Ask(child.Pid, ttlMs: 3_600_000)).Ok);
        ProcessFacts[] scan = [new ProcessFacts { Pid = 1, StartTime = 1 }, Facts(child)];
        long now = Clock.BootTimeMs();
        service.OnScan(scan, now);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            service.OnScan(scan, now);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1, service.View.Count);
    }

    [Fact]
    public void OnScan_Lapsing_AllocatesNothing_AndNeverWaits_EvenWhenTheWorkerIsBehind()
    {
        PardonService service = Service();
        TestProcess child = Child();
        Assert.True(service.Handle(Peer(0), Ask(child.Pid)).Ok);
        ProcessFacts[] scan = [Facts(child, rssKiB: 2L << 20)];
        for (int i = 0; i < 1000; i++)
        {
            service.OnScan(scan, 0); // both paths warm: posted, and dropped once the ring is full
        }

        // Far more posts than the ring holds, faster than any worker: each returns at once, none allocates.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            service.OnScan(scan, 0);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"10000 posts took {clock.Elapsed}");
        service.Flush();
        Assert.Equal(0, service.View.Count);
    }

    [Fact]
    public void OnScan_NoPardons_IsFree()
    {
        PardonService service = Service();
        ProcessFacts[] scan = [new ProcessFacts { Pid = 1, StartTime = 1 }];
        service.OnScan(scan, 0);

        long before = GC.GetAllocatedBytesForCurrentThread();
        service.OnScan(scan, 0);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    [Fact]
    public async Task Status_IsTheDaemonsStatus_WithKernelProtect()
    {
        Service();

        PardonResponse r = await SendAsync(new PardonRequestMessage { Op = "status" });

        Assert.True(r.Ok, r.Error);
        Assert.Equal("test", r.Status!.Version);
        Assert.Equal(_hasCapSysResource, r.KernelProtect);
    }

    [Fact]
    public void Status_WhenTheDaemonFails_IsAnInternalError()
    {
        var service = new PardonService(Config(), _events, () => throw new InvalidOperationException("not yet"), SocketPath);
        _cleanup.Add(service);

        PardonResponse r = service.Handle(Peer(0), new PardonRequest { Op = PardonOp.Status });

        Assert.Equal(PardonCodes.Internal, r.Code);
        Assert.Contains("not yet", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void State_IsWrittenAtomically_Mode0600()
    {
        PardonService service = Service();
        TestProcess child = Child();

        Assert.True(service.Handle(Peer(0), Ask(child.Pid)).Ok);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(service.StatePath));
        Assert.False(File.Exists(service.StatePath + ".tmp"));
        PardonState state = JsonSerializer.Deserialize(File.ReadAllBytes(service.StatePath), PardonProtocolJsonContext.Default.PardonState)!;
        Assert.Equal(child.Pid, Assert.Single(state.Pardons).Pid);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim(), state.BootId);
    }

    [Fact]
    public void Restart_RestoresLivePardons_AndDropsStaleOnes()
    {
        TestProcess alive = Child();
        TestProcess dies = Child();
        PardonService first = Service();
        Assert.True(first.Handle(Peer(0), Ask(alive.Pid, reason: "keep")).Ok);
        Assert.True(first.Handle(Peer(0), Ask(dies.Pid)).Ok);
        first.Dispose();
        dies.Kill();

        PardonService second = Service();

        PardonGrant restored = Assert.Single(second.View.Current.Grants);
        Assert.Equal(alive.Pid, restored.Pid);
        Assert.Equal("keep", restored.Reason);
        Assert.Contains(_events.Of("pardon_granted"), e => e.Code == "restored" && e.Pid == alive.Pid);
        DaemonEvent stale = Assert.Single(_events.Of("pardon_revoked"));
        Assert.Equal(PardonCodes.Stale, stale.Code);
        Assert.Equal(dies.Pid, stale.Pid);
        PardonState state = JsonSerializer.Deserialize(File.ReadAllBytes(second.StatePath), PardonProtocolJsonContext.Default.PardonState)!;
        Assert.Equal(alive.Pid, Assert.Single(state.Pardons).Pid);
    }

    [RootFact]
    public void Restart_WithARuleRemoved_DropsWhatItAllowed()
    {
        TestProcess child = Child(TestProcess.Nobody);
        PardonService first = Service(Config(Allow(Sleep)));
        Assert.True(first.Handle(Peer(TestProcess.Nobody), Ask(child.Pid)).Ok);
        first.Dispose();

        PardonService second = Service(Config());

        Assert.Equal(0, second.View.Count);
        DaemonEvent e = Assert.Single(_events.Of("pardon_revoked"));
        Assert.Equal(PardonCodes.Policy, e.Code);
        Assert.Contains("pardon.allow is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restart_AnotherBoot_OrExpired_OrUnreadable_IsNotHonoured()
    {
        TestProcess child = Child();
        PardonService first = Service();
        Assert.True(first.Handle(Peer(0), Ask(child.Pid, ttlMs: 3_600_000)).Ok);
        first.Dispose();
        string path = first.StatePath;
        PardonState saved = JsonSerializer.Deserialize(File.ReadAllBytes(path), PardonProtocolJsonContext.Default.PardonState)!;

        Write(path, new PardonState { BootId = "another-boot", Pardons = saved.Pardons });
        Assert.Equal(0, Service().View.Count);
        Assert.Contains("before the system last booted", _events.Of("pardon_revoked").Last().Message, StringComparison.Ordinal);
        DisposeServices();

        PardonInfo expired = saved.Pardons[0];
        Write(path, new PardonState { BootId = saved.BootId, Pardons = [new PardonInfo
        {
            Pid = expired.Pid, StartTime = expired.StartTime, Comm = expired.Comm, Exe = expired.Exe, ExeDevice = expired.ExeDevice, ExeInode = expired.ExeInode,
            Uid = expired.Uid, Rule = expired.Rule, GrantedUnixMs = 1, ExpiresUnixMs = 2,
        }] });
        Assert.Equal(0, Service().View.Count);
        Assert.Equal(PardonCodes.Expired, _events.Of("pardon_revoked").Last().Code);
        DisposeServices();

        File.WriteAllText(path, "{ not json");
        Assert.Equal(0, Service().View.Count);
        Assert.Contains(_events.Of("warning"), e => e.Code == "pardon_state");
    }

    private static void Write(string path, PardonState state)
        => File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(state, PardonProtocolJsonContext.Default.PardonState));

    private void DisposeServices()
    {
        foreach (PardonService s in _cleanup.OfType<PardonService>())
        {
            s.Dispose();
        }
    }

    public void Dispose()
    {
        for (int i = _cleanup.Count - 1; i >= 0; i--)
        {
            _cleanup[i].Dispose();
        }

        _dir.Dispose();
    }
}
