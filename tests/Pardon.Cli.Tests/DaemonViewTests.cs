// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Pardon.Cli.Commands;
using Pardon.Core;
using Pardon.Daemon;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Events;
using Pardon.Daemon.Pardons;
using Pardon.Linux.Processes;

namespace Pardon.Cli.Tests;

/// <summary>`pardon rank`/`explain` consult a running daemon: its pardons and its pid. Quietly nothing when none runs.</summary>
public sealed class DaemonViewTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pardon-view-").FullName;

    private string SocketPath => Path.Combine(_dir, "pardon.sock");

    [Fact]
    public void NoDaemon_IsSilentAndQuick()
    {
        var sw = Stopwatch.StartNew();

        DaemonView view = DaemonView.TryConnect(SocketPath);

        Assert.Null(view.Note);
        Assert.Null(view.Pardons);
        Assert.Null(view.DaemonPid);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), sw.Elapsed.ToString());
    }

    [Fact]
    public void StaleSocket_IsSilent()
    {
        string bound = Path.Combine(_dir, "bound.sock");
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            dead.Bind(new UnixDomainSocketEndPoint(bound));
            File.Move(bound, SocketPath);
        }

        DaemonView view = DaemonView.TryConnect(SocketPath);

        Assert.Null(view.Note);
        Assert.Null(view.Pardons);
    }

    [Fact]
    public void HungDaemon_EarnsANote_NotAWait()
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        listener.Listen(1);
        var sw = Stopwatch.StartNew();

        DaemonView view = DaemonView.TryConnect(SocketPath);

        Assert.Contains("pardons not shown", view.Note, StringComparison.Ordinal);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), sw.Elapsed.ToString());
    }

    [Fact]
    public async Task RunningDaemon_ItsPardonsAndPidReachRank()
    {
        using var service = new PardonService(new PardonConfig { StateFile = Path.Combine(_dir, "state.json") }, new NullEvents(), Status, SocketPath);
        service.Start();
        using var child = Process.Start(new ProcessStartInfo("/usr/bin/sleep", "60") { UseShellExecute = false })!;
        try
        {
            PardonResponse granted = await PardonClient.RequestAsync(SocketPath,
                new PardonRequestMessage { Op = "request", Pid = child.Id, Reason = "the database" }, TimeSpan.FromSeconds(5));
            Assert.True(granted.Ok, granted.Error);
            using PidFd pin = PidFd.TryOpen(child.Id, null, out _)!;

            // The service runs in this test process, beside other test classes and their child processes on
            // a 2-core machine: its answer can take longer than the view's half-second patience, which
            // HungDaemon_EarnsANote_NotAWait tests apart. Here the content counts, so the wait is generous.
            DaemonView view = DaemonView.TryConnect(SocketPath, TimeSpan.FromSeconds(10));

            Assert.True(view.DaemonPid == Environment.ProcessId, view.Note);
            Assert.NotNull(view.Pardons!.Find(new ProcessFacts { Pid = child.Id, StartTime = pin.StartTime }));
            Assert.Null(view.Pardons.Find(new ProcessFacts { Pid = child.Id, StartTime = pin.StartTime + 1 }));
            Assert.StartsWith($"daemon {Environment.ProcessId}: 1 pardon in force", view.Note, StringComparison.Ordinal);

            CliResult rank = await Cli.RunAsync("rank", "--json", "--all", "--socket", SocketPath);
            Assert.True(rank.ExitCode == 0, rank.ToString());
            using JsonDocument doc = JsonDocument.Parse(rank.Stdout);
            JsonElement pardoned = doc.RootElement.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("pid").GetInt32() == child.Id);
            Assert.True(pardoned.GetProperty("pardoned").GetBoolean());
            Assert.False(pardoned.GetProperty("eligible").GetBoolean());
            Assert.Contains(pardoned.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.StartsWith("pardoned (root", StringComparison.Ordinal) && r.GetString()!.Contains("the database", StringComparison.Ordinal));
            JsonElement daemon = doc.RootElement.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("pid").GetInt32() == Environment.ProcessId);
            Assert.False(daemon.GetProperty("eligible").GetBoolean());
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
    }

    private static DaemonStatus Status() => new()
    {
        Version = "test",
        Started = "2026-01-01T00:00:00.000Z",
        Scope = "system",
        Config = "test",
        Wakeups = [],
        Warnings = [],
    };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class NullEvents : IEventSink
    {
        public void Emit(DaemonEvent e)
        {
        }
    }
}
