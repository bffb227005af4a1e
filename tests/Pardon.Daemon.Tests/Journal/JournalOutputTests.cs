// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Net.Sockets;
using Pardon.Daemon.Events;
using Pardon.Daemon.Journal;
using Pardon.Daemon.Tests.Events;
using Pardon.Daemon.Tests.Pardons;

namespace Pardon.Daemon.Tests.Journal;

/// <summary>Events as native journal entries, read back from a datagram socket the test binds in place of journald's.</summary>
public sealed class JournalOutputTests
{
    [Fact]
    public void KillEvent_ArrivesAsAStructuredEntry_WithOneFieldPerEventField()
    {
        using var dir = new TempDirectory();
        using var journal = Bind(dir["journal.socket"]);
        using (var log = new EventLog(new EventLogOptions { JournalSocket = dir["journal.socket"], Log = TextWriter.Null }))
        {
            log.Emit(new DaemonEvent
            {
                Event = "kill",
                Pid = 4242,
                Comm = "memhog",
                Signal = "SIGTERM",
                Scope = "/sys/fs/cgroup/memory/test",
                Uid = 1000,
                UnitPids = [4242, 4243],
                Reason = "available 50 MiB ≤ term level 51.2 MiB\nchosen: grew 468 MiB", // a line feed: the binary form
                Message = "SIGTERM to 4242 (memhog)",
            });
            Assert.True(log.Flush(TimeSpan.FromSeconds(10)));
        }

        Dictionary<string, string> f = Receive(journal);
        Assert.Equal("kill", f["PARDON_EVENT"]);
        Assert.Equal("4242", f["PARDON_PID"]);
        Assert.Equal("memhog", f["PARDON_COMM"]);
        Assert.Equal("SIGTERM", f["PARDON_SIGNAL"]);
        Assert.Equal("/sys/fs/cgroup/memory/test", f["PARDON_SCOPE"]);
        Assert.Equal("[4242,4243]", f["PARDON_UNIT_PIDS"]);
        Assert.Equal("available 50 MiB ≤ term level 51.2 MiB\nchosen: grew 468 MiB", f["PARDON_REASON"]);
        Assert.Equal("pardon", f["SYSLOG_IDENTIFIER"]);
        Assert.Equal("4", f["PRIORITY"]);
        Assert.Equal("kill: SIGTERM to 4242 (memhog)", f["MESSAGE"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT", f["PARDON_TS"]);
    }

    [Fact]
    public void Format_ValueWithLineFeeds_UsesTheLengthPrefixedForm()
    {
        var line = new EventLine { Name = "warning", Json = "{\"event\":\"warning\",\"message\":\"a\\nb\"}", Text = "pardon: warning: a\nb" };

        byte[] entry = JournalEntry.Format(line);

        // "MESSAGE\n" + 8-byte little-endian 12 + "warning: a\nb" ... the reader checks the framing.
        Assert.Equal((byte)'\n', entry["MESSAGE".Length]);
        Assert.Equal(12UL, BitConverter.ToUInt64(entry, "MESSAGE".Length + 1));
        var fields = JournalReader.Parse(entry).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("warning: a\nb", fields["MESSAGE"]);
        Assert.Equal("a\nb", fields["PARDON_MESSAGE"]);
    }

    [Theory]
    [InlineData("pid", "PARDON_PID")]
    [InlineData("unit_pids", "PARDON_UNIT_PIDS")]
    [InlineData("bad-name", null)]
    [InlineData("", null)]
    public void FieldName_IsAValidJournalName(string json, string? expected) => Assert.Equal(expected, JournalEntry.FieldName(json));

    [Fact]
    public void NoJournalSocket_PlainLinesOnStderr_AndTheFallbackIsReportedOnce()
    {
        using var dir = new TempDirectory();
        var stderr = new FailingWriter();
        using (var log = new EventLog(new EventLogOptions { JournalSocket = dir["missing.socket"], Log = stderr }))
        {
            log.Emit(new DaemonEvent { Event = "kill", Pid = 1, Message = "SIGTERM to 1" });
            log.Emit(new DaemonEvent { Event = "kill", Pid = 2, Message = "SIGTERM to 2" });
            Assert.True(log.Flush(TimeSpan.FromSeconds(10)));
            Assert.False(log.Status().Outputs.Single().Ok);
        }

        string[] lines = stderr.Lines();
        Assert.Contains("pardon: kill: SIGTERM to 1", lines);
        Assert.Contains("pardon: kill: SIGTERM to 2", lines);
        Assert.Single(lines, l => l.Contains("cannot send to the journal socket", StringComparison.Ordinal));
    }

    private static Socket Bind(string path)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        s.Bind(new UnixDomainSocketEndPoint(path));
        s.ReceiveTimeout = 10_000;
        return s;
    }

    private static Dictionary<string, string> Receive(Socket journal)
    {
        byte[] buffer = new byte[65536];
        int n = journal.Receive(buffer);
        return JournalReader.Parse(buffer.AsSpan(0, n)).ToDictionary(p => p.Key, p => p.Value);
    }
}
