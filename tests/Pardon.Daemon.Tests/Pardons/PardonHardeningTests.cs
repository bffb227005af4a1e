// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using Pardon.Core;
using Pardon.Core.Pardons;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Pardons;
using Pardon.Linux.Processes;
using Pardon.Linux.Sockets;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>
/// Issue 7's findings about targets and state, against a real PardonService: targets passed as pidfds and bare
/// pids refused across pid namespaces; state files that are partial, corrupt, foreign-owned or symlinked; a
/// second daemon that must give up before touching anything; --state.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PardonHardeningTests : IDisposable
{
    private const string Sleep = "/usr/bin/sleep";
    private readonly TempDirectory _dir = new();
    private readonly RecordingEvents _events = new();
    private readonly List<IDisposable> _cleanup = [];

    private string SocketPath => _dir["run/pardon.sock"];

    private string StatePath => _dir["state/pardons.json"];

    private PardonConfig Config(string? state = null, string? socket = null) => new()
    {
        StateFile = state ?? StatePath,
        Socket = socket ?? SocketPath,
        DefaultMaxRssBytes = 1L << 30,
    };

    private PardonService Service(PardonConfig? config = null, bool start = true)
    {
        PardonConfig c = config ?? Config();
        var service = new PardonService(c, _events, Status, c.Socket);
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

    private TestProcess Child()
    {
        TestProcess p = TestProcess.Start(Sleep);
        _cleanup.Add(p);
        return p;
    }

    private static PardonPeer Peer(uint uid, FileIdentity? pidNamespace = null, int pid = 4000)
        => new(new PeerCredentials(pid, uid, uid), null, pidNamespace ?? PidNamespace.OfSelf());

    // ---- targets ----

    [Fact]
    public async Task Request_WithAPidFd_PardonsThatProcess_WhateverPidTheClientNamesIt()
    {
        PardonService service = Service();
        TestProcess child = Child();
        using PidFd pin = PidFd.TryOpen(child.Pid, null, out _)!;

        // "pid" is the client's own number for it; with a pidfd the daemon reads the real one from fdinfo.
        PardonResponse r = await PardonClient.RequestAsync(SocketPath, new PardonRequestMessage { Op = "request", Pid = 1, PidFd = true }, pin, TimeSpan.FromSeconds(10));

        Assert.True(r.Ok, r.Error);
        Assert.Equal(child.Pid, r.Pardon!.Pid);
        Assert.Equal(child.StartTime, r.Pardon.StartTime);

        PardonResponse released = await PardonClient.RequestAsync(SocketPath, new PardonRequestMessage { Op = "release", PidFd = true }, pin, TimeSpan.FromSeconds(10));
        Assert.True(released.Ok, released.Error);
        Assert.Equal(0, service.View.Count);
    }

    [Fact]
    public async Task Request_SayingPidFd_WithoutOne_OrWithAnotherKindOfDescriptor_IsABadRequest()
    {
        Service();
        using (var client = new RawClient(SocketPath))
        {
            client.Send("{\"op\":\"request\",\"pidfd\":true}\n");
            PardonResponse none = await client.ReadResponseAsync();
            Assert.Equal(PardonCodes.BadRequest, none.Code);
            Assert.Contains("no descriptor came with the line", none.Error, StringComparison.Ordinal);
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
        using var notPidfd = File.OpenRead("/proc/self/status");
        byte[] line = Encoding.ASCII.GetBytes("{\"op\":\"request\",\"pidfd\":true}\n");
        Assert.Equal(line.Length, FdPassing.SendWithDescriptor(socket.SafeHandle, line, (int)notPidfd.SafeFileHandle.DangerousGetHandle()));
        byte[] answer = new byte[4096];
        int n = await socket.ReceiveAsync(answer, SocketFlags.None);
        PardonResponse wrong = JsonSerializer.Deserialize(answer.AsSpan(0, n).TrimEnd((byte)'\n'), PardonProtocolJsonContext.Default.PardonResponse)!;
        Assert.Equal(PardonCodes.BadRequest, wrong.Code);
        Assert.Contains("not a pidfd", wrong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_WithAThreadsPidFd_IsRefused()
    {
        Service();
        int tid = Directory.EnumerateDirectories("/proc/self/task").Select(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture)).First(t => t != Environment.ProcessId);
        int fd = Interop.Libc.PidfdOpen(tid, 0x80); // PIDFD_THREAD (Linux 6.9+)
        Assert.True(fd >= 0, "pidfd_open(PIDFD_THREAD) failed");
        using var threadFd = new PassedDescriptor(fd);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
        byte[] line = Encoding.ASCII.GetBytes("{\"op\":\"request\",\"pidfd\":true}\n");
        Assert.Equal(line.Length, FdPassing.SendWithDescriptor(socket.SafeHandle, line, threadFd.Fd));

        byte[] answer = new byte[4096];
        int n = await socket.ReceiveAsync(answer, SocketFlags.None);
        PardonResponse r = JsonSerializer.Deserialize(answer.AsSpan(0, n).TrimEnd((byte)'\n'), PardonProtocolJsonContext.Default.PardonResponse)!;
        Assert.Equal(PardonCodes.BadRequest, r.Code);
        Assert.Contains($"names thread {tid}, not a process", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void BarePid_FromAnotherPidNamespace_IsRefused_NeverADecoyPardoned()
    {
        // The finding: `pardon request --pid 7` in a container meant its pid 7; the daemon pardoned its own pid 7.
        PardonService service = Service();
        TestProcess decoy = Child();
        PardonPeer inContainer = Peer(0, pidNamespace: new FileIdentity(4, 4026532999));

        PardonResponse r = service.Handle(inContainer, new PardonRequest { Op = PardonOp.Request, Pid = decoy.Pid });

        Assert.Equal(PardonCodes.BadRequest, r.Code);
        Assert.Contains("another pid namespace", r.Error, StringComparison.Ordinal);
        Assert.Equal(0, service.View.Count);

        // A caller the daemon cannot place (no pid, unknown namespace) is treated the same way.
        Assert.Equal(PardonCodes.BadRequest, service.Handle(Peer(0, pidNamespace: default(FileIdentity)), new PardonRequest { Op = PardonOp.Request, Pid = decoy.Pid }).Code);

        // Old clients in the daemon's own namespace keep working with bare pids.
        Assert.True(service.Handle(Peer(0), new PardonRequest { Op = PardonOp.Request, Pid = decoy.Pid }).Ok);

        // A release by pid and start time (as the daemon reported them) names one pardon exactly, from anywhere.
        Assert.Equal(PardonCodes.BadRequest, service.Handle(inContainer, new PardonRequest { Op = PardonOp.Release, Pid = decoy.Pid }).Code);
        Assert.True(service.Handle(inContainer, new PardonRequest { Op = PardonOp.Release, Pid = decoy.Pid, StartTime = decoy.StartTime }).Ok);
    }

    // ---- state ----

    [Fact]
    public void State_WithAKeyMissing_DropsThatEntryOnly_AndNeverAborts()
    {
        TestProcess alive = Child();
        PardonService first = Service();
        Assert.True(first.Handle(Peer(0), new PardonRequest { Op = PardonOp.Request, Pid = alive.Pid }).Ok);
        first.Dispose();

        // A second entry without "start_time", and one with a string where a number belongs.
        string text = File.ReadAllText(StatePath);
        using JsonDocument doc = JsonDocument.Parse(text);
        string good = doc.RootElement.GetProperty("pardons")[0].GetRawText();
        string bootId = doc.RootElement.GetProperty("boot_id").GetString()!;
        File.WriteAllText(StatePath, $$"""
            {"version":1,"boot_id":"{{bootId}}","pardons":[{{good}},
              {"pid":{{alive.Pid}},"comm":"x","exe_dev":1,"exe_ino":2,"uid":0,"requester_uid":0,"requester_pid":1,"rule":"root","max_rss_kib":0,"granted_unix_ms":1},
              {"pid":"seven","start_time":1}]}
            """);

        PardonService second = Service();

        Assert.Equal(alive.Pid, Assert.Single(second.View.Current.Grants).Pid);
        Assert.Contains(_events.Of("warning"), e => e.Code == "pardon_state" && (e.Message ?? "").Contains("dropped entry 1: \"start_time\" is missing", StringComparison.Ordinal));
        Assert.Contains(_events.Of("warning"), e => e.Code == "pardon_state" && (e.Message ?? "").Contains("dropped entry 2", StringComparison.Ordinal));
        second.Flush();
        Assert.Single(JsonDocument.Parse(File.ReadAllText(StatePath)).RootElement.GetProperty("pardons").EnumerateArray());
    }

    [Fact]
    public void State_ThatIsNotJson_IsSetAside_NotLost_AndTheDaemonStarts()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StatePath)!);
        File.WriteAllText(StatePath, "{ not json");
        File.SetUnixFileMode(StatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        PardonService service = Service();

        Assert.Equal(0, service.View.Count);
        string aside = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(StatePath)!, "pardons.json.corrupt-*"));
        Assert.Equal("{ not json", File.ReadAllText(aside));
        Assert.Contains(_events.Of("warning"), e => e.Code == "pardon_state" && (e.Message ?? "").Contains("is not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void State_OwnedBySomeoneElse_IsNotTrusted_ItsRequesterNeverRestored()
    {
        TestProcess alive = Child();
        PardonService first = Service();
        Assert.True(first.Handle(Peer(0), new PardonRequest { Op = PardonOp.Request, Pid = alive.Pid }).Ok);
        first.Dispose();
        Chown(StatePath, 65534);

        PardonService second = Service();

        Assert.Equal(0, second.View.Count);
        Assert.DoesNotContain(_events.Of("pardon_granted"), e => e.Code == "restored");
        Assert.Contains(_events.Of("warning"), e => e.Code == "pardon_state" && (e.Message ?? "").Contains("owned by uid 65534", StringComparison.Ordinal));
    }

    [Fact]
    public void State_ThatIsASymlink_IsNeitherFollowedOnReadNorOnWrite()
    {
        string victim = _dir["victim.json"];
        File.WriteAllText(victim, "precious");
        Directory.CreateDirectory(Path.GetDirectoryName(StatePath)!);
        File.CreateSymbolicLink(StatePath, victim);
        TestProcess child = Child();

        PardonService service = Service();
        Assert.True(service.Handle(Peer(0), new PardonRequest { Op = PardonOp.Request, Pid = child.Pid }).Ok);

        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Null(new FileInfo(StatePath).LinkTarget);
        Assert.Contains(child.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(StatePath), StringComparison.Ordinal);
    }

    [Fact]
    public void State_InADirectoryOthersMayWrite_IsRefused()
    {
        string open = _dir["open"];
        Directory.CreateDirectory(open);
        File.SetUnixFileMode(open, (UnixFileMode)0x1FF);

        IOException ex = Assert.Throws<IOException>(() => Service(Config(state: Path.Combine(open, "pardons.json"))));

        Assert.Contains("lets group or others write", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondDaemon_OnTheSameState_GivesUpBeforeTouchingIt()
    {
        TestProcess child = Child();
        PardonService first = Service();
        Assert.True(first.Handle(Peer(0), new PardonRequest { Op = PardonOp.Request, Pid = child.Pid }).Ok);
        byte[] before = File.ReadAllBytes(StatePath);
        DateTime written = File.GetLastWriteTimeUtc(StatePath);

        // Same state, its own socket: the lock says no before anything is bound, read or written.
        IOException ex = Assert.Throws<IOException>(() => Service(Config(socket: _dir["other/pardon.sock"])));

        Assert.Contains($"another Pardon daemon (pid {Environment.ProcessId}) holds", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["other/pardon.sock"]));
        Assert.Equal(before, File.ReadAllBytes(StatePath));
        Assert.Equal(written, File.GetLastWriteTimeUtc(StatePath));
        Assert.Equal(1, first.View.Count);
        _cleanup.OfType<PardonService>().Last().Dispose();
        Assert.Equal(before, File.ReadAllBytes(StatePath));
    }

    [Fact]
    public void SecondDaemon_OnTheSameSocket_NeverWritesItsState()
    {
        Service();
        string otherState = _dir["other/pardons.json"];

        IOException ex = Assert.Throws<IOException>(() => Service(Config(state: otherState)));
        _cleanup.OfType<PardonService>().Last().Dispose();

        Assert.Contains("another Pardon daemon is answering", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(otherState));
    }

    [Theory]
    [InlineData(null, null, null, "/run/pardon/pardons.json")]
    [InlineData("/tmp/x/pardon.sock", null, null, "/tmp/x/pardons.json")]
    [InlineData("/tmp/x/pardon.sock", "/srv/state.json", null, "/srv/state.json")]
    [InlineData("/tmp/x/pardon.sock", null, "/var/lib/p.json", "/var/lib/p.json")]
    [InlineData(null, null, "/var/lib/p.json", "/var/lib/p.json")]
    public void StateFile_FollowsTheSocket_UnlessSetItself(string? socket, string? stateOption, string? stateConfig, string expected)
    {
        var config = new PardonConfig();
        if (socket is not null)
        {
            config.Socket = socket;
        }

        if (stateConfig is not null)
        {
            config.StateFile = stateConfig;
        }

        Assert.Equal(expected, PardonConfig.ResolveStateFile(config, stateOption));
    }

    private static void Chown(string path, int uid)
    {
        using Process p = Process.Start("/usr/bin/chown", ["-h", uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path])!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
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
