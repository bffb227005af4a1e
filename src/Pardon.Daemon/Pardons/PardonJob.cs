// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Pardons;

namespace Pardon.Daemon.Pardons;

/// <summary>
/// One request handed from a socket thread to the pardon worker, which runs it and sets <see cref="Done"/> once
/// its effects are published and saved. A job the worker never runs (the daemon stopping, the queue full) is
/// abandoned: its resources released (a target's pidfd) and its client told why.
/// </summary>
internal sealed class PardonJob
{
    private readonly Func<PardonResponse> _run;
    private Action? _abandon;

    public PardonJob(Func<PardonResponse> run, Action? abandon)
    {
        _run = run;
        _abandon = abandon;
    }

    /// <summary>Completed on a thread-pool thread, never on the worker's (continuations run asynchronously).</summary>
    public TaskCompletionSource<PardonResponse> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Runs on the worker; from then on the job's resources are the worker's.</summary>
    public PardonResponse Run()
    {
        _abandon = null;
        return _run();
    }

    public void Abandon(string message, string code = PardonCodes.Internal)
    {
        Interlocked.Exchange(ref _abandon, null)?.Invoke();
        Done.TrySetResult(PardonResponse.Failure(code, message));
    }
}
