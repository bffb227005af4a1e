// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using Pardon.Linux.Processes;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>
/// A child process for a test to pardon (sleep, by default), optionally as another user through setpriv.
/// Killed, by its own Process object, when disposed.
/// </summary>
public sealed class TestProcess : IDisposable
{
    public const uint Nobody = 65534;

    private readonly Process _process;

    private TestProcess(Process process, string exe)
    {
        _process = process;
        Exe = exe;
    }

    public int Pid => _process.Id;

    public string Exe { get; }

    /// <summary>Start time (field 22 of /proc/PID/stat), read once the process runs <see cref="Exe"/>.</summary>
    public ulong StartTime { get; private set; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="exe"/> with <paramref name="args"/>, as <paramref name="uid"/> when given; returns once it runs <paramref name="exe"/>.</summary>
    public static TestProcess Start(string exe = "/usr/bin/sleep", uint? uid = null, params string[] args)
    {
        var start = new ProcessStartInfo(uid is null ? exe : "/usr/bin/setpriv") { UseShellExecute = false, RedirectStandardInput = true };
        if (uid is uint u)
        {
            foreach (string a in new[] { $"--reuid={u}", $"--regid={u}", "--clear-groups", exe })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (string a in args.Length == 0 ? ["60"] : args)
        {
            start.ArgumentList.Add(a);
        }

        var p = new TestProcess(Process.Start(start)!, exe);
        p.WaitForExe();
        return p;
    }

    private void WaitForExe()
    {
        // setpriv execs the command: until then /proc/PID/exe names setpriv.
        var sw = Stopwatch.StartNew();
        string want = Path.GetFullPath(Exe);
        while (sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            string? exe = null;
            try
            {
                exe = new FileInfo($"/proc/{Pid}/exe").LinkTarget;
            }
            catch (IOException)
            {
            }

            if (exe == want)
            {
                using PidFd? pin = PidFd.TryOpen(Pid, null, out _);
                StartTime = pin?.StartTime ?? 0;
                return;
            }

            Thread.Sleep(5);
        }

        throw new TimeoutException($"process {Pid} never ran {Exe}");
    }

    /// <summary>Writes a line to its standard input.</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
