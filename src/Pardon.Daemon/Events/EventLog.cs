// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pardon.Daemon.Journal;

namespace Pardon.Daemon.Events;

/// <summary>
/// The daemon's event pipeline. <see cref="Emit"/> never blocks and takes no lock a writer holds: it stamps
/// the event, folds repeats (<see cref="EventCoalescer"/>), and puts it on one of two lock-free queues —
/// kill-critical events (<see cref="EventClass.IsCritical"/>) on a reserved queue that always accepts, every
/// other event on a bounded one that drops (and counts, per event name) when full. One pipeline thread
/// drains them (critical first), serialises each event once, and hands the line to every output
/// (<see cref="EventOutput"/>: the file, stderr or the journal), each with a thread and a bounded queue of
/// its own, so a stalled reader or a full disk stops only that output. The same thread then passes the
/// event to the consumers (hooks, notifications, latency histograms), which must return at once. Drops are
/// summed up in a periodic `events_dropped` warning, an output's failure and recovery in `event_sink`
/// and `event_sink_recovered` warnings, and all of it in <see cref="Status"/>.
/// </summary>
public sealed class EventLog : IEventSink, IDisposable
{
    private readonly EventLogOptions _options;
    private readonly ConcurrentQueue<DaemonEvent> _critical = new();
    private readonly ConcurrentQueue<DaemonEvent> _ordinary = new();
    private readonly SemaphoreSlim _wake = new(0); // no maximum: a spare release costs a spurious wake-up only
    private readonly EventCoalescer _coalescer;
    private readonly List<EventOutput> _outputs = [];
    private readonly Thread _thread;
    private readonly long[] _dropped = new long[EventClass.Kinds.Length];
    private readonly long[] _droppedSinceSummary = new long[EventClass.Kinds.Length];
    private readonly List<DaemonEvent> _summaries = [];
    private volatile IEventConsumer[] _consumers = [];
    private List<DaemonEvent>? _held;
    private volatile bool _holding;
    private volatile bool _reopen;
    private volatile bool _closing;
    private volatile bool _busy;
    private int _ordinaryCount;
    private int _wakePending;
    private long _emitted;

    /// <param name="path">The JSON-lines file, or null.</param>
    /// <param name="log">Where readable lines go (stderr), or null.</param>
    /// <param name="jsonToLog">Write the JSON lines to the log instead of the readable form.</param>
    public EventLog(string? path, TextWriter? log, bool jsonToLog = false)
        : this(new EventLogOptions { File = path, Log = log, JsonToLog = jsonToLog })
    {
    }

    public EventLog(EventLogOptions options)
    {
        _options = options;
        _coalescer = new EventCoalescer((long)(options.CoalesceWindow.TotalSeconds * Stopwatch.Frequency));
        if (options.File is string file)
        {
            _outputs.Add(new FileOutput(file, options.OutputCapacity, options.OutputCriticalCapacity) { RetryInterval = options.RetryInterval });
        }

        if (options.JournalSocket is string journal)
        {
            _outputs.Add(new JournalOutput(journal, options.Log, options.OutputCapacity, options.OutputCriticalCapacity) { RetryInterval = options.RetryInterval });
        }
        else if (options.Log is TextWriter log)
        {
            _outputs.Add(new TextOutput(log, options.JsonToLog, options.OutputCapacity, options.OutputCriticalCapacity) { RetryInterval = options.RetryInterval });
        }

        foreach (EventOutput output in _outputs)
        {
            output.Start(OnOutputStateChange);
        }

        _thread = new Thread(Run, 512 * 1024) { Name = "pardon-events", IsBackground = true };
        _thread.Start();
    }

    /// <summary>
    /// Holds events back until the `start` event, which is then written first and the held ones after it
    /// (with the times they were raised): the log reads start … stop even though start-up warnings and
    /// restored pardons are raised before the daemon is ready. Dispose writes anything still held.
    /// </summary>
    public void HoldUntilStart() => _holding = true;

    /// <summary>Adds something that acts on every event after it is written (see <see cref="IEventConsumer"/>).</summary>
    public void AddConsumer(IEventConsumer consumer)
    {
        lock (_outputs)
        {
            _consumers = [.. _consumers, consumer];
        }
    }

    /// <summary>Stamps the event now and queues it; returns at once and never waits for a writer.</summary>
    public void Emit(DaemonEvent e)
    {
        if (e.Ts.Length == 0)
        {
            e.Ts = FormatTimestamp(DateTimeOffset.UtcNow);
        }

        Interlocked.Increment(ref _emitted);
        bool critical = EventClass.IsCritical(e);

        // A critical warning (victim_stuck, signal_failed, no_candidate) is never folded into a repeat: each
        // names its own victim, and the monitor thread that raises it must not touch the coalescer, which
        // socket threads use too.
        if (!critical && EventClass.IsCoalescible(e))
        {
            if (_coalescer.TryAbsorb(e, Stopwatch.GetTimestamp(), out DaemonEvent? flushed, out bool opened))
            {
                if (opened)
                {
                    Wake(); // a summary is due at the window's end: the pipeline must know when to wake
                }

                return;
            }

            if (flushed is not null)
            {
                Enqueue(flushed, critical);
            }
        }

        Enqueue(e, critical);
    }

    private void Enqueue(DaemonEvent e, bool critical)
    {
        if (critical)
        {
            // Unbounded on purpose: a handful per kill, and a kill waits for its victim's exit.
            _critical.Enqueue(e);
        }
        else if (Interlocked.Increment(ref _ordinaryCount) > _options.Capacity)
        {
            Interlocked.Decrement(ref _ordinaryCount);
            int kind = EventClass.KindIndex(e.Event);
            Interlocked.Increment(ref _dropped[kind]);
            Interlocked.Increment(ref _droppedSinceSummary[kind]);
            return;
        }
        else
        {
            _ordinary.Enqueue(e);
        }

        Wake();
    }

    /// <summary>Asks the outputs to reopen their files (SIGHUP after logrotate). Returns at once.</summary>
    public void Reopen()
    {
        _reopen = true;
        Wake();
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) until every event queued so far is written; false if some output is still behind.</summary>
    public bool Flush(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (!_busy && _critical.IsEmpty && _ordinary.IsEmpty && !_holding && _outputs.TrueForAll(o => o.IsIdle))
            {
                return true;
            }

            if (clock.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(2);
        }
    }

    /// <summary>Waits until every event queued so far has been written (at most 10 s).</summary>
    public void Flush() => Flush(TimeSpan.FromSeconds(10));

    /// <summary>The pipeline's counters and its outputs' states.</summary>
    public EventPipelineStatus Status()
    {
        var dropped = new Dictionary<string, long>();
        for (int i = 0; i < _dropped.Length; i++)
        {
            long n = Interlocked.Read(ref _dropped[i]);
            if (n > 0)
            {
                dropped[EventClass.Kinds[i]] = n;
            }
        }

        long now = Stopwatch.GetTimestamp();
        return new EventPipelineStatus
        {
            Emitted = Interlocked.Read(ref _emitted),
            Dropped = dropped,
            Coalesced = _coalescer.Absorbed,
            Outputs = _outputs.ConvertAll(o => new EventOutputStatus
            {
                Name = o.Name,
                Ok = o.Error is null,
                Error = o.Error,
                FailingForSeconds = o.FailedSinceTicks is long since and > 0 ? Math.Round((double)(now - since) / Stopwatch.Frequency, 1) : null,
                Written = o.Written,
                Dropped = o.Dropped,
            }),
        };
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            _wake.Release();
        }
    }

    private void Run()
    {
        long summaryTicks = (long)(_options.SummaryInterval.TotalSeconds * Stopwatch.Frequency);
        long nextSummary = Stopwatch.GetTimestamp() + summaryTicks;
        int waitMs = Timeout.Infinite;
        while (true)
        {
            // Asleep until an event is queued, a repeat window closes or a drop summary is due: an idle daemon's
            // pipeline never wakes on its own (it woke ten times a second, the idle daemon's main cost).
            _wake.Wait(waitMs);
            Interlocked.Exchange(ref _wakePending, 0);
            _busy = true;
            if (_reopen)
            {
                _reopen = false;
                foreach (EventOutput o in _outputs)
                {
                    o.RequestReopen();
                }
            }

            DrainCritical();
            while (_ordinary.TryDequeue(out DaemonEvent? e))
            {
                Interlocked.Decrement(ref _ordinaryCount);
                Process(e, critical: false);
                DrainCritical(); // a kill raised meanwhile goes ahead of the ordinary backlog
            }

            long now = Stopwatch.GetTimestamp();
            _summaries.Clear();
            long nextWindow = _coalescer.Sweep(now, _summaries);
            foreach (DaemonEvent summary in _summaries)
            {
                Process(summary, EventClass.IsCritical(summary));
            }

            if (now >= nextSummary)
            {
                nextSummary = now + summaryTicks;
                SummariseDrops();
            }

            long due = DropsSinceSummary() ? Math.Min(nextWindow, nextSummary) : nextWindow;
            waitMs = due == long.MaxValue ? Timeout.Infinite : (int)Math.Clamp((due - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency + 1, 1, int.MaxValue);

            bool closing = _closing;
            if (closing && _held is not null)
            {
                ReleaseHeld(); // the daemon failed before `start`: its warnings still say why
            }

            if (closing && _critical.IsEmpty && _ordinary.IsEmpty)
            {
                SummariseDrops();
                _busy = false;
                return;
            }

            _busy = false;
        }
    }

    private void DrainCritical()
    {
        while (_critical.TryDequeue(out DaemonEvent? e))
        {
            if (e.Event == "stop")
            {
                // Critical events overtake the ordinary backlog, but `stop` closes the log: whatever was raised
                // before it (a last denial answered as the socket closed) is written first.
                while (_ordinary.TryDequeue(out DaemonEvent? earlier))
                {
                    Interlocked.Decrement(ref _ordinaryCount);
                    Process(earlier, critical: false);
                }
            }

            Process(e, critical: true);
        }
    }

    private void Process(DaemonEvent e, bool critical)
    {
        if (_holding && e.Event != "start")
        {
            _held ??= [];
            if (critical || _held.Count < _options.Capacity)
            {
                _held.Add(e);
            }
            else
            {
                Interlocked.Increment(ref _dropped[EventClass.KindIndex(e.Event)]);
                Interlocked.Increment(ref _droppedSinceSummary[EventClass.KindIndex(e.Event)]);
            }

            return;
        }

        Write(e, critical);
        if (e.Event == "start" && _holding)
        {
            ReleaseHeld();
        }
    }

    private void ReleaseHeld()
    {
        _holding = false;
        List<DaemonEvent>? held = _held;
        _held = null;
        if (held is not null)
        {
            foreach (DaemonEvent h in held)
            {
                Write(h, EventClass.IsCritical(h));
            }
        }
    }

    private void Write(DaemonEvent e, bool critical)
    {
        string json;
        try
        {
            json = JsonSerializer.Serialize(e, EventJsonContext.Default.DaemonEvent);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            json = $"{{\"ts\":\"{e.Ts}\",\"event\":\"warning\",\"code\":\"event_unwritable\",\"message\":\"{JsonEncodedText.Encode(e.Event + ": " + ex.Message)}\"}}";
        }

        var line = EventLine.From(e, json, critical);
        foreach (EventOutput o in _outputs)
        {
            o.Post(line);
        }

        foreach (IEventConsumer consumer in _consumers)
        {
            try
            {
                consumer.OnEvent(e);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A consumer's bug must not stop the pipeline; it is reported once per event, never recursively.
                if (e.Code != "event_consumer")
                {
                    _critical.Enqueue(new DaemonEvent
                    {
                        Event = "warning",
                        Code = "event_consumer",
                        Ts = FormatTimestamp(DateTimeOffset.UtcNow),
                        Message = $"{consumer.GetType().Name} failed on a {e.Event} event: {ex.Message}",
                    });
                }
            }
        }
    }

    private bool DropsSinceSummary()
    {
        for (int i = 0; i < _droppedSinceSummary.Length; i++)
        {
            if (Interlocked.Read(ref _droppedSinceSummary[i]) > 0)
            {
                return true;
            }
        }

        return false;
    }

    private void SummariseDrops()
    {
        Dictionary<string, long>? dropped = null;
        long total = 0;
        for (int i = 0; i < _droppedSinceSummary.Length; i++)
        {
            long n = Interlocked.Exchange(ref _droppedSinceSummary[i], 0);
            if (n > 0)
            {
                (dropped ??= [])[EventClass.Kinds[i]] = n;
                total += n;
            }
        }

        if (dropped is null)
        {
            return;
        }

        string detail = string.Join(", ", dropped.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")));
        Write(new DaemonEvent
        {
            Event = "warning",
            Code = "events_dropped",
            Ts = FormatTimestamp(DateTimeOffset.UtcNow),
            Dropped = dropped,
            Message = string.Create(CultureInfo.InvariantCulture,
                $"{total} event(s) dropped in the last {_options.SummaryInterval.TotalSeconds:0.#} s because they came faster than they could be written ({detail}); kill events are never dropped"),
        }, critical: true);
    }

    private void OnOutputStateChange(EventOutput output, bool failed, string message)
    {
        // Raised on the output's own thread; queued like any critical event so every other output gets it.
        _critical.Enqueue(new DaemonEvent
        {
            Event = "warning",
            Code = failed ? "event_sink" : "event_sink_recovered",
            Sink = output.Name,
            Ts = FormatTimestamp(DateTimeOffset.UtcNow),
            Message = message,
        });
        Wake();
    }

    /// <summary>RFC 3339 with milliseconds, UTC: "2026-11-21T21:50:12.345Z".</summary>
    public static string FormatTimestamp(DateTimeOffset t)
        => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _closing = true;
        Wake();
        _thread.Join(TimeSpan.FromSeconds(5));

        // Together, so one blocked output (a stopped reader of stderr) delays the daemon's exit once, not per output.
        foreach (EventOutput o in _outputs)
        {
            o.BeginClose();
        }

        var deadline = Stopwatch.StartNew();
        foreach (EventOutput o in _outputs)
        {
            o.Close(TimeSpan.FromSeconds(3) - deadline.Elapsed);
        }

        // _wake is not disposed: a late Emit (a worker thread winding down) must still return quietly.
    }
}
