// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using Pardon.Core.Pardons;
using Pardon.Daemon.Pardons;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>The pardon socket over a real Unix socket in a temporary directory; the peer is this test process.</summary>
[SupportedOSPlatform("linux")]
public sealed class PardonServerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeHandler _handler = new();

    private string SocketPath => _dir["run/pardon.sock"];

    private PardonServer Start(PardonServerOptions? options = null)
    {
        var server = new PardonServer(SocketPath, _handler, options);
        server.Start();
        return server;
    }

    [Fact]
    public async Task Request_IsAnswered_WithTheKernelsIdentityOfTheCaller()
    {
        using PardonServer server = Start();
        using var client = new RawClient(SocketPath);

        client.Send("{\"op\":\"list\"}\n");
        PardonResponse response = await client.ReadResponseAsync();

        Assert.True(response.Ok);
        (PardonPeer peer, PardonRequest request) = Assert.Single(_handler.Seen);
        Assert.Equal(PardonOp.List, request.Op);
        Assert.Equal(Environment.ProcessId, peer.Pid);
        Assert.Equal(File.ReadAllText("/proc/self/status").Contains("\nUid:\t0\t", StringComparison.Ordinal) ? 0u : peer.Uid, peer.Uid);
        if (peer.PidFd is { } pidFd)
        {
            // SO_PEERPIDFD (Linux 6.5+): the pidfd names this very process.
            Assert.True(pidFd.IsAlive);
            Assert.Equal(Environment.ProcessId, pidFd.ReadPid());
        }
    }

    [Fact]
    public void Start_CreatesTheDirectory_AndASocketAnyoneMayConnectTo()
    {
        using PardonServer server = Start();

        Assert.True(Directory.Exists(_dir["run"]));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite,
            File.GetUnixFileMode(SocketPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(_dir["run"]));
    }

    [Fact]
    public async Task ManyRequests_OnOneConnection_EachGetItsLine()
    {
        using PardonServer server = Start();
        using var client = new RawClient(SocketPath);

        client.Send("{\"op\":\"list\"}\n\n  \r\n{\"op\":\"status\"}\r\n{\"op\":\"release\",\"pid\":7}\n");

        Assert.True((await client.ReadResponseAsync()).Ok);
        Assert.True((await client.ReadResponseAsync()).Ok);
        Assert.True((await client.ReadResponseAsync()).Ok);
        Assert.Equal([PardonOp.List, PardonOp.Status, PardonOp.Release], _handler.Seen.Select(s => s.Request.Op));
    }

    [Fact]
    public async Task MalformedJson_GetsAnError_AndTheConnectionStaysUsable()
    {
        using PardonServer server = Start();
        using var client = new RawClient(SocketPath);

        client.Send("{\"op\":\n");
        PardonResponse bad = await client.ReadResponseAsync();
        client.Send("{\"op\":\"list\"}\n");
        PardonResponse good = await client.ReadResponseAsync();

        Assert.False(bad.Ok);
        Assert.Equal(PardonCodes.BadRequest, bad.Code);
        Assert.StartsWith("bad request: ", bad.Error, StringComparison.Ordinal);
        Assert.True(good.Ok);
    }

    [Fact]
    public async Task RandomGarbage_NeverKillsTheServer()
    {
        using PardonServer server = Start();
        var random = new Random(42);
        for (int i = 0; i < 50; i++)
        {
            using var client = new RawClient(SocketPath);
            byte[] junk = new byte[random.Next(1, 3000)];
            random.NextBytes(junk);
            client.Send(junk);
            client.ShutdownSend();
            while (await client.ReadLineAsync() is string line)
            {
                Assert.Contains("\"ok\":false", line, StringComparison.Ordinal);
            }
        }

        using var last = new RawClient(SocketPath);
        last.Send("{\"op\":\"list\"}\n");
        Assert.True((await last.ReadResponseAsync()).Ok);
    }

    [Fact]
    public async Task OversizedLine_IsRefused_AndTheConnectionClosed()
    {
        using PardonServer server = Start(new PardonServerOptions { MaxLineBytes = 4096 });
        using var client = new RawClient(SocketPath);

        client.Send("{\"op\":\"request\",\"reason\":\"" + new string('x', 10_000) + "\"}\n");
        PardonResponse response = await client.ReadResponseAsync();

        Assert.Equal(PardonCodes.BadRequest, response.Code);
        Assert.Contains("longer than 4096 bytes", response.Error, StringComparison.Ordinal);
        Assert.True(await client.IsClosedAsync());
        Assert.Empty(_handler.Seen);
    }

    [Fact]
    public async Task LineOfExactlyTheLimit_IsAccepted()
    {
        using PardonServer server = Start(new PardonServerOptions { MaxLineBytes = 64 });
        using var client = new RawClient(SocketPath);
        string line = "{\"op\":\"list\"}";
        line += new string(' ', 64 - line.Length);

        client.Send(line + "\n");

        Assert.True((await client.ReadResponseAsync()).Ok);
    }

    [Fact]
    public async Task SlowClient_IsTimedOut()
    {
        using PardonServer server = Start(new PardonServerOptions { ReadTimeout = TimeSpan.FromMilliseconds(300) });
        using var client = new RawClient(SocketPath);

        client.Send("{\"op\":");
        PardonResponse response = await client.ReadResponseAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(PardonCodes.BadRequest, response.Code);
        Assert.Contains("no complete request line within", response.Error, StringComparison.Ordinal);
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task TrickleClient_CannotExtendItsTimeByDrippingBytes()
    {
        using PardonServer server = Start(new PardonServerOptions { ReadTimeout = TimeSpan.FromMilliseconds(400) });
        using var client = new RawClient(SocketPath);
        var started = System.Diagnostics.Stopwatch.StartNew();

        Task<string?> answer = client.ReadLineAsync(TimeSpan.FromSeconds(5));
        for (int i = 0; i < 20 && !answer.IsCompleted; i++)
        {
            try
            {
                client.Send("{");
            }
            catch (SocketException)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Contains("no complete request line", await answer, StringComparison.Ordinal);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task LastLineWithoutNewline_IsStillAnswered()
    {
        using PardonServer server = Start();
        using var client = new RawClient(SocketPath);

        client.Send("{\"op\":\"status\"}");
        client.ShutdownSend();

        Assert.True((await client.ReadResponseAsync()).Ok);
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task ClientsBeyondTheCap_AreToldBusy_AndTheOthersStillServed()
    {
        using PardonServer server = Start(new PardonServerOptions { MaxClients = 2, ReadTimeout = TimeSpan.FromSeconds(10) });
        using var first = new RawClient(SocketPath);
        using var second = new RawClient(SocketPath);
        await WaitForAsync(() => server.ActiveClients == 2);

        using var third = new RawClient(SocketPath);
        PardonResponse busy = await third.ReadResponseAsync();

        Assert.Equal(PardonCodes.Busy, busy.Code);
        Assert.True(await third.IsClosedAsync());
        first.Send("{\"op\":\"list\"}\n");
        Assert.True((await first.ReadResponseAsync()).Ok);

        first.Dispose();
        await WaitForAsync(() => server.ActiveClients == 1);
        using var fourth = new RawClient(SocketPath);
        fourth.Send("{\"op\":\"list\"}\n");
        Assert.True((await fourth.ReadResponseAsync()).Ok);
    }

    [Fact]
    public async Task RequestsPerConnection_AreCapped()
    {
        using PardonServer server = Start(new PardonServerOptions { MaxRequestsPerConnection = 3 });
        using var client = new RawClient(SocketPath);

        client.Send(string.Concat(Enumerable.Repeat("{\"op\":\"list\"}\n", 5)));

        for (int i = 0; i < 3; i++)
        {
            Assert.True((await client.ReadResponseAsync()).Ok);
        }

        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task HandlerFailure_IsAnInternalError_NotACrash()
    {
        using PardonServer server = Start();
        _handler.Throw = true;
        using var client = new RawClient(SocketPath);

        client.Send("{\"op\":\"list\"}\n");
        PardonResponse response = await client.ReadResponseAsync();

        Assert.Equal(PardonCodes.Internal, response.Code);
        Assert.Contains("boom", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleSocket_IsReplaced()
    {
        Directory.CreateDirectory(_dir["run"]);
        MakeStaleSocket(SocketPath);
        using PardonServer server = Start();
        using var client = new RawClient(SocketPath);
        client.Send("{\"op\":\"list\"}\n");

        Assert.True((await client.ReadResponseAsync()).Ok);
    }

    [Fact]
    public void LiveSocket_IsNotStolen()
    {
        using PardonServer first = Start();
        var second = new PardonServer(SocketPath, _handler);

        IOException ex = Assert.Throws<IOException>(second.Start);

        Assert.Contains("another Pardon daemon is answering", ex.Message, StringComparison.Ordinal);
        second.Dispose();
        Assert.True(File.Exists(SocketPath), "the second server must not remove the first one's socket");
    }

    [Fact]
    public void RegularFile_AtTheSocketPath_IsNotReplaced()
    {
        Directory.CreateDirectory(_dir["run"]);
        File.WriteAllText(SocketPath, "precious");

        IOException ex = Assert.Throws<IOException>(() => Start());

        Assert.Contains("is not a socket", ex.Message, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(SocketPath));
    }

    [Fact]
    public async Task Dispose_StopsAccepting_EndsClients_AndRemovesTheSocket()
    {
        PardonServer server = Start();
        using var idle = new RawClient(SocketPath);
        await WaitForAsync(() => server.ActiveClients == 1);

        server.Dispose();

        Assert.False(File.Exists(SocketPath));
        Assert.Equal(0, server.ActiveClients);
        Assert.True(await idle.IsClosedAsync(TimeSpan.FromSeconds(3)));
        Assert.ThrowsAny<SocketException>(() => new RawClient(SocketPath));
    }

    [Fact]
    public async Task Client_RoundTrip_AndUnreachableDaemon()
    {
        using PardonServer server = Start();

        PardonResponse r = await PardonClient.RequestAsync(SocketPath, new PardonRequestMessage { Op = "request", Pid = 5, Ttl = "1m", Reason = "x" }, TimeSpan.FromSeconds(5));

        Assert.True(r.Ok);
        PardonRequest seen = Assert.Single(_handler.Seen).Request;
        Assert.Equal(60_000, seen.TtlMs);
        Assert.Equal(5, seen.Pid);

        PardonClientException missing = await Assert.ThrowsAsync<PardonClientException>(
            () => PardonClient.RequestAsync(_dir["nope.sock"], new PardonRequestMessage { Op = "list" }, TimeSpan.FromSeconds(1)));
        Assert.True(missing.Unreachable);
        Assert.True(missing.NoDaemon);
        Assert.Equal($"cannot reach the Pardon daemon at {_dir["nope.sock"]}: no such file (is pardon daemon running?)", missing.Message);
    }

    [Fact]
    public async Task Client_StaleSocket_IsNoDaemon()
    {
        MakeStaleSocket(_dir["dead.sock"]);

        PardonClientException ex = await Assert.ThrowsAsync<PardonClientException>(
            () => PardonClient.RequestAsync(_dir["dead.sock"], new PardonRequestMessage { Op = "list" }, TimeSpan.FromSeconds(1)));

        Assert.True(ex.NoDaemon);
        Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_HungDaemon_TimesOut()
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(_dir["hung.sock"]));
        listener.Listen(1);

        PardonClientException ex = await Assert.ThrowsAsync<PardonClientException>(
            () => PardonClient.RequestAsync(_dir["hung.sock"], new PardonRequestMessage { Op = "list" }, TimeSpan.FromMilliseconds(300)));

        Assert.False(ex.Unreachable);
        Assert.Contains("did not answer within", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_IsOneCompactLine_ReadableButEscaped()
    {
        byte[] line = PardonServer.Encode(PardonResponse.Failure(PardonCodes.NotOwner, "denied: \"x\" isn't\nyours"));

        Assert.Equal("{\"ok\":false,\"code\":\"not_owner\",\"error\":\"denied: \\\"x\\\" isn't\\nyours\"}\n", Encoding.UTF8.GetString(line));
    }

    /// <summary>A socket file nobody listens on, as a daemon that died leaves behind. (Disposing a bound .NET socket unlinks its path, so the file is moved away first.)</summary>
    private void MakeStaleSocket(string path)
    {
        string bound = _dir["bound.sock"];
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            dead.Bind(new UnixDomainSocketEndPoint(bound));
            File.Move(bound, path);
        }

        Assert.True(SocketFileIsThere(path));
    }

    private static bool SocketFileIsThere(string path) => Pardon.Linux.Sockets.SocketFile.IsSocket(path) == true;

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), "condition not reached in 5 s");
            await Task.Delay(10);
        }
    }

    public void Dispose() => _dir.Dispose();
}
