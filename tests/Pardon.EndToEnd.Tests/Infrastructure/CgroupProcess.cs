// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A process a <see cref="TestCgroup"/> started inside itself: its pid, the lines it printed, how it ended.
/// Its standard input stays open for commands (memhog --stdin-pages); disposing closes it.
/// </summary>
public sealed class CgroupProcess : IDisposable
{
    private readonly Process _process;
    private readonly object _gate = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private bool _stdoutClosed;
    private bool _stderrClosed;
    private bool _disposed;
    private int? _exitCode;

    internal CgroupProcess(Process process, string description)
    {
        _process = process;
        Description = description;
        Pid = process.Id;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data, isStdout: true);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data, isStdout: false);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// Starts a program right here, in the test process's own cgroup: only for small idle helpers that
    /// allocate next to nothing. The caller kills and disposes it.
    /// </summary>
    public static CgroupProcess StartHere(string program, params string[] arguments)
    {
        var psi = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        string description = string.Join(' ', [System.IO.Path.GetFileName(program), .. arguments]);
        return new CgroupProcess(Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + description), description);
    }

    /// <summary>The pid. The starting shell execs the program, so this is the program's own pid.</summary>
    public int Pid { get; }

    /// <summary>The command line, for messages.</summary>
    public string Description { get; }

    public IReadOnlyList<string> StandardOutput
    {
        get
        {
            lock (_gate)
            {
                return [.. _stdout];
            }
        }
    }

    public IReadOnlyList<string> StandardError
    {
        get
        {
            lock (_gate)
            {
                return [.. _stderr];
            }
        }
    }

    public bool HasExited => ExitCode is not null;

    /// <summary>
    /// The exit status once it has exited, else null. .NET reports a death by signal N as 128 + N, as
    /// shells do, so <see cref="Signal"/> cannot tell that from a process that exits with 128 + N itself
    /// (memhog never does).
    /// </summary>
    public int? ExitCode
    {
        get
        {
            // Kept after Dispose, so a test can still ask how a process that TestCgroup cleaned up ended.
            if (_exitCode is null && !_disposed && _process.HasExited)
            {
                _exitCode = _process.ExitCode;
            }

            return _exitCode;
        }
    }

    /// <summary>The signal that ended the process (9 for SIGKILL), or null while it runs or when it exited normally.</summary>
    public int? Signal => ExitCode is int code && code > 128 && code < 128 + 65 ? code - 128 : null;

    public bool KilledBySigkill => Signal == Native.SIGKILL;

    /// <summary>Waits for a line of standard output that starts with <paramref name="prefix"/> and returns it.</summary>
    /// <exception cref="TimeoutException">No such line in time, or the process closed its output first; the message says what it printed.</exception>
    public string WaitForLine(string prefix, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        lock (_gate)
        {
            int seen = 0;
            while (true)
            {
                for (; seen < _stdout.Count; seen++)
                {
                    if (_stdout[seen].StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return _stdout[seen];
                    }
                }

                TimeSpan left = timeout - clock.Elapsed;
                if (_stdoutClosed || left <= TimeSpan.Zero)
                {
                    break;
                }

                Monitor.Wait(_gate, left);
            }
        }

        throw new TimeoutException($"{Description} (pid {Pid}) printed no line starting with \"{prefix}\" within {timeout.TotalSeconds:0.#} s; {Describe()}");
    }

    /// <summary>Waits for memhog's "ready PID" (its allocation is complete and touched).</summary>
    public void WaitForReady(TimeSpan timeout)
    {
        string line = WaitForLine("ready ", timeout);
        if (line != "ready " + Pid.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"{Description}: expected \"ready {Pid}\", got \"{line}\"; {Describe()}");
        }
    }

    /// <summary>Sends one line to the process's standard input.</summary>
    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>
    /// Sends <paramref name="line"/> and waits for the next output line starting with <paramref name="replyPrefix"/>
    /// (one request at a time: the reply is the first such line printed after the request).
    /// </summary>
    public string Request(string line, string replyPrefix, TimeSpan timeout)
    {
        int before;
        lock (_gate)
        {
            before = _stdout.Count;
        }

        Send(line);
        var clock = Stopwatch.StartNew();
        lock (_gate)
        {
            while (true)
            {
                for (int i = before; i < _stdout.Count; i++)
                {
                    if (_stdout[i].StartsWith(replyPrefix, StringComparison.Ordinal))
                    {
                        return _stdout[i];
                    }
                }

                TimeSpan left = timeout - clock.Elapsed;
                if (_stdoutClosed || left <= TimeSpan.Zero)
                {
                    break;
                }

                Monitor.Wait(_gate, left);
            }
        }

        throw new TimeoutException($"{Description} (pid {Pid}) did not answer \"{line}\" within {timeout.TotalSeconds:0.#} s; {Describe()}");
    }

    /// <summary>Waits for the process to end, and then briefly for the last of its output; true if it ended in time.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }

        // Not the parameterless WaitForExit(): it waits for the pipes' end, which a surviving grandchild
        // that inherited them would hold off indefinitely.
        var clock = Stopwatch.StartNew();
        lock (_gate)
        {
            while (!(_stdoutClosed && _stderrClosed) && clock.Elapsed < TimeSpan.FromSeconds(2))
            {
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(50));
            }
        }

        return true;
    }

    /// <summary>SIGKILL, if it still runs. Safe against pid reuse: our own child is not reaped before HasExited says so.</summary>
    public void Kill()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Native.Kill(Pid, () => !HasExited);
    }

    /// <summary>A one-line account of the process for failure messages.</summary>
    public string Describe()
    {
        string state = ExitCode is int code
            ? (Signal is int sig ? $"killed by signal {sig}" : $"exited with status {code}")
            : "still running";
        return $"{state}; stdout: [{string.Join(" | ", StandardOutput)}]; stderr: [{string.Join(" | ", StandardError)}]";
    }

    public override string ToString() => $"{Pid} ({Description})";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _ = ExitCode;
        _disposed = true;
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The process is gone and the pipe with it.
        }

        _process.Dispose();
    }

    private void Append(List<string> lines, string? data, bool isStdout)
    {
        lock (_gate)
        {
            if (data is null)
            {
                _stdoutClosed |= isStdout;
                _stderrClosed |= !isStdout;
            }
            else
            {
                lines.Add(data);
            }

            Monitor.PulseAll(_gate);
        }
    }
}
