// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Runtime.Versioning;
using Pardon.Core.Pardons;
using Pardon.Daemon.Pardons;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>
/// Issue 7: one user could deny the socket to everyone (40 silent connections, or 32 sending a line every 4.5 s;
/// the idle timer restarted after each answer). Now: connections per uid, requests per second per uid, a total
/// lifetime per connection, a slot kept for root — and another user's `list` is answered throughout. Clients of
/// other uids connect from a thread whose effective uid is theirs (<see cref="AsUser"/>).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PardonSocketLimitsTests : IDisposable
{
    private const uint Attacker = 65534;
    private const uint Other = 65533;
    private readonly TempDirectory _dir = new();
    private readonly FakeHandler _handler = new();
    private readonly List<IDisposable> _cleanup = [];

    private string SocketPath => _dir["run/pardon.sock"];

    private PardonServer Start(PardonServerOptions options)
    {
        var server = new PardonServer(SocketPath, _handler, options);
        _cleanup.Add(server);
        server.Start();
        return server;
    }

    private RawClient Connect(uint uid)
    {
        RawClient client = uid == 0 ? new RawClient(SocketPath) : AsUser.Run(uid, () => new RawClient(SocketPath));
        _cleanup.Add(client);
        return client;
    }

    private static async Task<PardonResponse> ListAsync(RawClient client)
    {
        client.Send("{\"op\":\"list\"}\n");
        return await client.ReadResponseAsync(TimeSpan.FromSeconds(5));
    }

    [RootFact]
    public async Task OneUser_GetsOnlyItsShareOfConnections_OthersAreStillServed()
    {
        using PardonServer server = Start(new PardonServerOptions { MaxClients = 10, MaxConnectionsPerUser = 3, ReadTimeout = TimeSpan.FromSeconds(30), ConnectionLifetime = TimeSpan.FromSeconds(30) });
        for (int i = 0; i < 3; i++)
        {
            _ = Connect(Attacker);
        }

        await WaitForAsync(() => server.ActiveClients == 3);
        RawClient fourth = Connect(Attacker);
        PardonResponse busy = await fourth.ReadResponseAsync();

        Assert.Equal(PardonCodes.Busy, busy.Code);
        Assert.Contains("uid 65534 has 3 connections open already", busy.Error, StringComparison.Ordinal);
        Assert.True(await fourth.IsClosedAsync());
        Assert.True((await ListAsync(Connect(Other))).Ok);
        Assert.True((await ListAsync(Connect(0))).Ok);
        Assert.Equal(Other, _handler.Seen.First().Peer.Uid);
    }

    [RootFact]
    public async Task TheLastSlot_IsKeptForRoot()
    {
        using PardonServer server = Start(new PardonServerOptions { MaxClients = 4, ReservedForRoot = 1, MaxConnectionsPerUser = 10, ReadTimeout = TimeSpan.FromSeconds(30), ConnectionLifetime = TimeSpan.FromSeconds(30) });
        for (int i = 0; i < 3; i++)
        {
            _ = Connect(Attacker);
        }

        await WaitForAsync(() => server.ActiveClients == 3);

        Assert.Equal(PardonCodes.Busy, (await Connect(Other).ReadResponseAsync()).Code);
        Assert.True((await ListAsync(Connect(0))).Ok);
    }

    [RootFact]
    public async Task AConnection_HasATotalLifetime_AnswersDoNotExtendIt()
    {
        using PardonServer server = Start(new PardonServerOptions { ConnectionLifetime = TimeSpan.FromSeconds(1), ReadTimeout = TimeSpan.FromSeconds(5) });
        RawClient slow = Connect(Attacker);
        var clock = Stopwatch.StartNew();
        PardonResponse last;
        int answered = 0;
        while (true)
        {
            // A line every 200 ms: each is answered, and the old idle timer would have restarted each time.
            try
            {
                slow.Send("{\"op\":\"list\"}\n");
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Closed at the end of its lifetime while we slept; its last line is still to be read.
            }

            last = await slow.ReadResponseAsync(TimeSpan.FromSeconds(5));
            if (!last.Ok)
            {
                break;
            }

            answered++;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), "the connection outlived its lifetime");
            await Task.Delay(200);
        }

        Assert.True(answered >= 2, $"only {answered} answers before the end");
        Assert.Equal(PardonCodes.Busy, last.Code);
        Assert.Contains("pardon.connection_lifetime", last.Error, StringComparison.Ordinal);
        Assert.True(await slow.IsClosedAsync());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
    }

    [RootFact]
    public async Task AUser_SendingTooFast_IsToldBusy_RootIsNot()
    {
        using PardonServer server = Start(new PardonServerOptions { RequestsPerSecond = 5 });
        RawClient fast = Connect(Attacker);
        fast.Send(string.Concat(Enumerable.Repeat("{\"op\":\"list\"}\n", 40)));
        int ok = 0;
        PardonResponse r;
        while ((r = await fast.ReadResponseAsync()).Ok)
        {
            ok++;
        }

        Assert.InRange(ok, 5, 15); // the burst: twice the rate
        Assert.Equal(PardonCodes.Busy, r.Code);
        Assert.Contains("pardon.requests_per_second", r.Error, StringComparison.Ordinal);
        Assert.True(await fast.IsClosedAsync());

        RawClient root = Connect(0);
        root.Send(string.Concat(Enumerable.Repeat("{\"op\":\"list\"}\n", 40)));
        for (int i = 0; i < 40; i++)
        {
            Assert.True((await root.ReadResponseAsync()).Ok);
        }
    }

    [RootFact]
    public async Task SilentAndSlowFloods_FromOneUser_LeaveAnotherUsersListAnswered()
    {
        // The two floods at once: 40 silent connections and 32 that send a line every 4.5 s.
        using PardonServer server = Start(new PardonServerOptions());
        var attackers = new List<RawClient>();
        for (int i = 0; i < 72; i++)
        {
            try
            {
                attackers.Add(Connect(Attacker));
            }
            catch (System.Net.Sockets.SocketException)
            {
                // A refused connect is the flood failing, which is fine.
            }
        }

        await WaitForAsync(() => server.ActiveClients >= 8);
        Assert.True(server.ActiveClients <= 8, $"{server.ActiveClients} connections held by one user");
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            PardonResponse list = await ListAsync(Connect(Other));
            Assert.True(list.Ok, list.Error);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"another user's list took {clock.Elapsed}");
            foreach (RawClient slow in attackers.Take(32))
            {
                try
                {
                    slow.Send("{\"op\":\"list\"}\n");
                }
                catch (System.Net.Sockets.SocketException)
                {
                }
            }

            await Task.Delay(500);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "timed out");
            await Task.Delay(10);
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
