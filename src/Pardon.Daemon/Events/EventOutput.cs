// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Collections.Concurrent;
using System.Diagnostics;

namespace Pardon.Daemon.Events;

/// <summary>
/// One output of the event log (the events file, stderr, the journal) with a thread and a bounded queue of
/// its own, so that a blocked or failing output stalls only itself: a stopped reader of stderr does not hold
/// back the file, and a full disk does not silence stderr. A failed write is kept and retried every
/// <see cref="RetryInterval"/> (after <see cref="TryRecover"/>); the failure and the recovery are reported
/// through the callback once each. Ordinary lines beyond the queue's capacity are dropped and counted;
/// critical lines have a separate, much larger allowance.
/// </summary>
public abstract class EventOutput : IDisposable
{
    private readonly ConcurrentQueue<EventLine> _queue = new();
    private readonly SemaphoreSlim _wake = new(0); // no maximum: a spare release only costs a spurious wake-up
    private readonly Thread _thread;
    private readonly int _capacity;
    private readonly int _criticalCapacity;
    private Action<EventOutput, bool, string>? _onStateChange;
    private int _ordinaryQueued;
    private int _criticalQueued;
    private int _wakePending;
    private volatile bool _reopen;
    private volatile bool _closing;
    private volatile bool _idle = true;
    private long _written;
    private long _dropped;
    private long _lostWhileFailed;
    private volatile string? _error;
    private volatile string? _degraded;
    private long _failedSinceTicks;

    /// <param name="name">"file", "stderr" or "journal": how warnings and `pardon status` name it.</param>
    /// <param name="capacity">Ordinary lines that may wait; more are dropped (and counted).</param>
    /// <param name="criticalCapacity">Critical lines that may wait (a failed output only; they are rare).</param>
    protected EventOutput(string name, int capacity, int criticalCapacity)
    {
        Name = name;
        _capacity = capacity;
        _criticalCapacity = criticalCapacity;

        // A small stack: the daemon locks its memory (mlockall), and this thread only formats and writes.
        _thread = new Thread(Run, 256 * 1024) { Name = "pardon-events-" + name, IsBackground = true };
    }

    public string Name { get; }

    /// <summary>How long a failed output waits before trying again.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Lines written.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Lines dropped because the queue was full (the output blocked or failing).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The current failure (or degraded mode), null while the output works.</summary>
    public string? Error => _error ?? _degraded;

    /// <summary>When the current failure began (Stopwatch ticks), 0 while the output works.</summary>
    public long FailedSinceTicks => Interlocked.Read(ref _failedSinceTicks);

    /// <summary>True when nothing is queued and no write is in progress.</summary>
    public bool IsIdle => _idle && _queue.IsEmpty;

    /// <summary>Starts the output's thread; <paramref name="onStateChange"/>(output, failed, message) reports failures and recoveries.</summary>
    public void Start(Action<EventOutput, bool, string> onStateChange)
    {
        _onStateChange = onStateChange;
        _thread.Start();
    }

    /// <summary>Queues a line; never blocks. Returns false when it was dropped.</summary>
    public bool Post(EventLine line)
    {
        ref int counter = ref line.Critical ? ref _criticalQueued : ref _ordinaryQueued;
        if (Interlocked.Increment(ref counter) > (line.Critical ? _criticalCapacity : _capacity))
        {
            Interlocked.Decrement(ref counter);
            Interlocked.Increment(ref _dropped);
            if (_error is not null)
            {
                Interlocked.Increment(ref _lostWhileFailed);
            }

            return false;
        }

        _queue.Enqueue(line);
        Wake();
        return true;
    }

    /// <summary>Asks the output to close and reopen what it writes to (SIGHUP, after logrotate moved the file).</summary>
    public void RequestReopen()
    {
        _reopen = true;
        Wake();
    }

    /// <summary>Writes one line; blocking is allowed (this is the output's own thread). False with a reason on failure.</summary>
    protected abstract bool TryWrite(EventLine line, out string error);

    /// <summary>Prepares a retry after a failure (reopen a file, reconnect a socket). False with a reason when it cannot yet.</summary>
    protected virtual bool TryRecover(out string error)
    {
        error = "";
        return true;
    }

    /// <summary>Closes and reopens the destination (SIGHUP). Runs on the output's thread.</summary>
    protected virtual void Reopen()
    {
    }

    /// <summary>Releases what the output holds, once its thread has ended.</summary>
    protected virtual void Release()
    {
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
        EventLine? pending = null;
        long nextRetry = 0;
        while (true)
        {
            if (_reopen)
            {
                _reopen = false;
                Reopen();
                nextRetry = 0; // a reopened file deserves an immediate try
            }

            if (pending is null && _queue.TryDequeue(out EventLine? next))
            {
                Interlocked.Decrement(ref next.Critical ? ref _criticalQueued : ref _ordinaryQueued);
                pending = next;
            }

            if (pending is null)
            {
                if (_closing)
                {
                    return;
                }

                _idle = true;
                Sleep(Timeout.Infinite);
                continue;
            }

            _idle = false;
            if (_error is not null)
            {
                long wait = nextRetry - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    if (_closing)
                    {
                        return; // failing at exit: give up rather than hold the daemon's stop
                    }

                    Sleep((int)Math.Clamp(wait * 1000 / Stopwatch.Frequency, 1, int.MaxValue));
                    continue;
                }

                if (!TryRecover(out string recoverError))
                {
                    Fail(recoverError, ref nextRetry);
                    continue;
                }
            }

            if (TryWrite(pending, out string error))
            {
                pending = null;
                Interlocked.Increment(ref _written);
                if (_error is not null)
                {
                    long lost = Interlocked.Exchange(ref _lostWhileFailed, 0);
                    string was = _error;
                    _error = null;
                    Interlocked.Exchange(ref _failedSinceTicks, 0);
                    _onStateChange?.Invoke(this, false,
                        $"the events {Name} works again (it had failed: {was}){(lost > 0 ? $"; {lost} line(s) were dropped meanwhile" : "")}");
                }
            }
            else
            {
                Fail(error, ref nextRetry);
            }
        }
    }

    /// <summary>
    /// For an output that can carry on another way (the journal falling back to plain lines): reports the
    /// degraded mode once (a message) or its end (null). Call from the output's thread.
    /// </summary>
    protected void ReportDegraded(string? message, string? recovered = null)
    {
        if (message is not null && _degraded is null)
        {
            _degraded = message;
            Interlocked.Exchange(ref _failedSinceTicks, Stopwatch.GetTimestamp());
            _onStateChange?.Invoke(this, true, message);
        }
        else if (message is null && _degraded is not null)
        {
            _degraded = null;
            Interlocked.Exchange(ref _failedSinceTicks, 0);
            _onStateChange?.Invoke(this, false, recovered ?? $"the events {Name} works again");
        }
    }

    private void Fail(string error, ref long nextRetry)
    {
        nextRetry = Stopwatch.GetTimestamp() + (long)(RetryInterval.TotalSeconds * Stopwatch.Frequency);
        if (_error is null)
        {
            _error = error;
            Interlocked.Exchange(ref _failedSinceTicks, Stopwatch.GetTimestamp());
            _onStateChange?.Invoke(this, true,
                $"cannot write to the events {Name}: {error}; the other outputs carry on, and it is retried every {RetryInterval.TotalSeconds:0.#} s");
        }
    }

    private void Sleep(int milliseconds)
    {
        _wake.Wait(milliseconds);
        Interlocked.Exchange(ref _wakePending, 0);
    }

    /// <summary>Tells the thread to end once what is queued is written.</summary>
    public void BeginClose()
    {
        _closing = true;
        Wake();
    }

    /// <summary>Lets the thread write what is queued, for at most <paramref name="timeout"/>, then releases the output.</summary>
    public void Close(TimeSpan timeout)
    {
        BeginClose();
        if (_thread.IsAlive && !_thread.Join(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout))
        {
            return; // blocked in a write (a stopped reader): the thread is a background one; leave it
        }

        Release();
    }

    public void Dispose()
    {
        Close(TimeSpan.FromSeconds(2));
        GC.SuppressFinalize(this);
    }
}
