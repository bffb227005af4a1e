// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Text.Json;
using Pardon.Daemon.Events;
using Pardon.Daemon.Tests.Pardons;

namespace Pardon.Daemon.Tests.Events;

/// <summary>The event pipeline: never blocking the emitter, bounded, coalescing, kill events kept, outputs independent.</summary>
public sealed class EventLogTests
{
    private static DaemonEvent Kill(int pid) => new() { Event = "kill", Pid = pid, Signal = "SIGTERM", Message = $"SIGTERM to {pid}" };

    private static DaemonEvent Granted(int pid) => new() { Event = "pardon_granted", Pid = pid, Uid = 1000, Message = $"pardoned {pid}" };

    private static DaemonEvent Denied(uint uid, string code = "no_such_process") =>
        new() { Event = "pardon_denied", Code = code, RequesterUid = uid, Pid = 999999, Message = "no process 999999" };

    private static List<JsonElement> Read(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public void Emit_ReaderStalled_NeverBlocksStaysBoundedAndKeepsEveryKill()
    {
        using var dir = new TempDirectory();
        var stalled = new BlockingWriter();
        var log = new EventLog(new EventLogOptions { File = dir["events.jsonl"], Log = stalled, Capacity = 256, OutputCapacity = 256 });
        try
        {
            long before = GC.GetTotalMemory(forceFullCollection: true);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 200_000; i++)
            {
                log.Emit(Granted(i)); // not coalescible: every one is a distinct event
                if (i % 20_000 == 0)
                {
                    log.Emit(Kill(i));
                }
            }

            TimeSpan emitting = clock.Elapsed;
            long after = GC.GetTotalMemory(forceFullCollection: true);

            // 200k events in well under the time one blocked write takes (forever): Emit never waited.
            Assert.True(emitting < TimeSpan.FromSeconds(10), $"emitting took {emitting}");
            Assert.True(after - before < 16 << 20, $"the pipeline held {(after - before) >> 20} MiB with its reader stalled (bound: 16 MiB)");
            Assert.True(log.Flush(TimeSpan.FromSeconds(1)) == false, "stderr is stalled, so the pipeline cannot be idle");

            // The file, an independent output, has every kill although stderr is stalled.
            SpinWait.SpinUntil(() => Read(dir["events.jsonl"]).Count(e => e.GetProperty("event").GetString() == "kill") == 10, TimeSpan.FromSeconds(10));
            Assert.Equal(10, Read(dir["events.jsonl"]).Count(e => e.GetProperty("event").GetString() == "kill"));

            EventPipelineStatus status = log.Status();
            Assert.True(status.Dropped.GetValueOrDefault("pardon_granted") > 0, "ordinary events beyond the capacity are dropped and counted");
            Assert.False(status.Dropped.ContainsKey("kill"));
            Assert.True(status.Outputs.Single(o => o.Name == "stderr").Dropped > 0);

            // Once the reader resumes, stderr gets every kill too (critical lines wait; ordinary ones were dropped).
            stalled.Release();
            Assert.True(log.Flush(TimeSpan.FromSeconds(20)));
            Assert.Equal(10, stalled.Lines().Count(l => l.StartsWith("pardon: kill:", StringComparison.Ordinal)));
        }
        finally
        {
            stalled.Release();
            log.Dispose();
        }
    }

    [Fact]
    public void Emit_DropsThenSummary_WarningCountsDropsByEventName()
    {
        using var dir = new TempDirectory();
        var stalled = new BlockingWriter();
        var log = new EventLog(new EventLogOptions { Log = stalled, File = dir["e.jsonl"], Capacity = 16, SummaryInterval = TimeSpan.FromMilliseconds(200) });
        try
        {
            // Flood faster than the pipeline thread can take them: some are dropped.
            for (int i = 0; i < 100_000; i++)
            {
                log.Emit(Granted(i));
            }

            long dropped = log.Status().Dropped.GetValueOrDefault("pardon_granted");
            Assert.True(dropped > 0, "nothing was dropped; the test did not flood");
            JsonElement summary = default;
            Assert.True(SpinWait.SpinUntil(() =>
            {
                summary = Read(dir["e.jsonl"]).FirstOrDefault(e => e.TryGetProperty("code", out JsonElement c) && c.GetString() == "events_dropped");
                return summary.ValueKind == JsonValueKind.Object;
            }, TimeSpan.FromSeconds(10)), "no events_dropped warning");
            Assert.Equal("warning", summary.GetProperty("event").GetString());
            Assert.True(summary.GetProperty("dropped").GetProperty("pardon_granted").GetInt64() > 0);
        }
        finally
        {
            stalled.Release();
            log.Dispose();
        }
    }

    [Fact]
    public void Emit_FloodOfDenials_IsCoalescedIntoAFewLinesWithTheirCount()
    {
        using var dir = new TempDirectory();
        using (var log = new EventLog(new EventLogOptions { File = dir["e.jsonl"], CoalesceWindow = TimeSpan.FromMilliseconds(300) }))
        {
            for (int i = 0; i < 50_000; i++)
            {
                log.Emit(Denied(1000));
            }

            log.Emit(Denied(1001)); // another user: its own line
            Thread.Sleep(600); // the window closes; the summary is written
            Assert.True(log.Flush(TimeSpan.FromSeconds(10)));
        }

        List<JsonElement> lines = Read(dir["e.jsonl"]);
        List<JsonElement> fromUser = lines.Where(e => e.GetProperty("requester_uid").GetUInt32() == 1000).ToList();
        Assert.InRange(fromUser.Count, 2, 6);
        long total = fromUser.Sum(e => e.TryGetProperty("repeats", out JsonElement r) ? r.GetInt64() : 1);
        Assert.Equal(50_000, total);
        Assert.Single(lines, e => e.GetProperty("requester_uid").GetUInt32() == 1001);
    }

    [Fact]
    public void Emit_KillEvents_AreNeverCoalesced()
    {
        using var dir = new TempDirectory();
        using (var log = new EventLog(new EventLogOptions { File = dir["e.jsonl"] }))
        {
            for (int i = 0; i < 100; i++)
            {
                log.Emit(Kill(42));
            }

            Assert.True(log.Flush(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(100, Read(dir["e.jsonl"]).Count(e => e.GetProperty("event").GetString() == "kill"));
    }

    [Fact]
    public void FileFails_StderrKeepsWorkingAndSaysSoOnce()
    {
        // /dev/full: opening works, every write fails with ENOSPC, exactly like a full disk.
        var stderr = new FailingWriter();
        using (var log = new EventLog(new EventLogOptions { File = "/dev/full", Log = stderr, RetryInterval = TimeSpan.FromMilliseconds(100) }))
        {
            for (int i = 0; i < 20; i++)
            {
                log.Emit(Granted(i));
                Thread.Sleep(20); // across several retries
            }

            log.Emit(Kill(7));
            SpinWait.SpinUntil(() => stderr.Lines().Any(l => l.Contains("kill: SIGTERM to 7", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
            EventOutputStatus file = log.Status().Outputs.Single(o => o.Name == "file");
            Assert.False(file.Ok);
            Assert.Contains("/dev/full", file.Error, StringComparison.Ordinal);
        }

        string[] lines = stderr.Lines();
        Assert.Equal(20, lines.Count(l => l.StartsWith("pardon: pardon_granted:", StringComparison.Ordinal)));
        Assert.Single(lines, l => l.StartsWith("pardon: warning: cannot write to the events file", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("kill: SIGTERM to 7", StringComparison.Ordinal));
    }

    [Fact]
    public void StderrFails_FileKeepsWorking_AndRecoveryIsReported()
    {
        using var dir = new TempDirectory();
        var stderr = new FailingWriter { Failing = true };
        using (var log = new EventLog(new EventLogOptions { File = dir["e.jsonl"], Log = stderr, RetryInterval = TimeSpan.FromMilliseconds(100) }))
        {
            log.Emit(Granted(1));
            log.Emit(Kill(2));
            Assert.True(SpinWait.SpinUntil(() => File.ReadAllText(dir["e.jsonl"]).Contains("\"code\":\"event_sink\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
            stderr.Failing = false;
            Assert.True(SpinWait.SpinUntil(() => File.ReadAllText(dir["e.jsonl"]).Contains("event_sink_recovered", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
            log.Emit(Granted(3));
            Assert.True(log.Flush(TimeSpan.FromSeconds(10)));
        }

        List<JsonElement> events = Read(dir["e.jsonl"]);
        Assert.Contains(events, e => e.GetProperty("event").GetString() == "kill");
        JsonElement failed = events.Single(e => e.TryGetProperty("code", out JsonElement c) && c.GetString() == "event_sink");
        Assert.Equal("stderr", failed.GetProperty("sink").GetString());

        // stderr, once back, has the lines it had missed (kept and retried) and the later ones.
        string[] lines = stderr.Lines();
        Assert.Contains(lines, l => l.StartsWith("pardon: kill:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("pardoned 3", StringComparison.Ordinal));
    }

    [Fact]
    public void Reopen_AfterTheFileWasMovedAway_NewEventsLandInANewFile()
    {
        using var dir = new TempDirectory();
        using (var log = new EventLog(new EventLogOptions { File = dir["e.jsonl"] }))
        {
            log.Emit(Granted(1));
            Assert.True(log.Flush(TimeSpan.FromSeconds(10)));
            File.Move(dir["e.jsonl"], dir["e.jsonl.1"]);
            log.Reopen();
            Assert.True(SpinWait.SpinUntil(() => File.Exists(dir["e.jsonl"]), TimeSpan.FromSeconds(10)));
            log.Emit(Granted(2));
            Assert.True(log.Flush(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal([1], Read(dir["e.jsonl.1"]).Select(e => e.GetProperty("pid").GetInt32()));
        Assert.Equal([2], Read(dir["e.jsonl"]).Select(e => e.GetProperty("pid").GetInt32()));
    }

    [Fact]
    public void HoldUntilStart_StartIsWrittenFirst_HeldEventsKeepTheirTimes()
    {
        using var dir = new TempDirectory();
        using (var log = new EventLog(new EventLogOptions { File = dir["e.jsonl"] }))
        {
            log.HoldUntilStart();
            log.Emit(new DaemonEvent { Event = "warning", Code = "mlockall", Message = "cannot lock" });
            log.Emit(Granted(5));
            Thread.Sleep(20);
            log.Emit(new DaemonEvent { Event = "start", Message = "started" });
            Assert.True(log.Flush(TimeSpan.FromSeconds(10)));
        }

        List<JsonElement> events = Read(dir["e.jsonl"]);
        Assert.Equal(["start", "warning", "pardon_granted"], events.Select(e => e.GetProperty("event").GetString()));
        Assert.True(string.CompareOrdinal(events[1].GetProperty("ts").GetString(), events[0].GetProperty("ts").GetString()) < 0);
    }

    [Fact]
    public void Consumers_SeeEveryEventOnThePipelineThread()
    {
        var seen = new List<(string, string?)>();
        var consumer = new RecordingConsumer(seen);
        using (var log = new EventLog(new EventLogOptions()))
        {
            log.AddConsumer(consumer);
            log.Emit(Kill(1));
            log.Emit(Granted(2));
            Assert.True(log.Flush(TimeSpan.FromSeconds(10)));
        }

        lock (seen)
        {
            Assert.Equal([("kill", "pardon-events"), ("pardon_granted", "pardon-events")], seen);
        }
    }

    private sealed class RecordingConsumer(List<(string, string?)> seen) : IEventConsumer
    {
        public void OnEvent(DaemonEvent e)
        {
            lock (seen)
            {
                seen.Add((e.Event, Thread.CurrentThread.Name));
            }
        }
    }
}
