// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;

namespace Pardon.Linux.Tests;

/// <summary>
/// A `sleep` started by a test, optionally through a symlink so that its comm is a chosen name. Disposing
/// kills it by its own pid (never by name) and removes the symlink.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly string? _linkDir;
    private bool _disposed;

    public ChildProcess(string? comm = null, int seconds = 30)
    {
        string program = "/bin/sleep";
        if (comm is not null)
        {
            _linkDir = Directory.CreateTempSubdirectory("pardon-unit-comm-").FullName;
            program = Path.Combine(_linkDir, comm);
            File.CreateSymbolicLink(program, "/bin/sleep");
        }

        var info = new ProcessStartInfo(program, seconds.ToString(CultureInfo.InvariantCulture))
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
        };
        _process = Process.Start(info)!;
        WaitUntilExecd(comm ?? "sleep");
    }

    public int Pid => _process.Id;

    /// <summary>Field 22 of /proc/PID/stat, read the slow, obvious way: split after the last ')'.</summary>
    public ulong StartTime => ulong.Parse(StatFields()[19], CultureInfo.InvariantCulture);

    public string[] StatFields()
    {
        string stat = File.ReadAllText($"/proc/{Pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].TrimEnd('\n').Split(' ');
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
        if (_linkDir is not null)
        {
            Directory.Delete(_linkDir, recursive: true);
        }
    }

    private void WaitUntilExecd(string comm)
    {
        // Between fork and execve the child still carries the test host's name.
        string expected = comm.Length > 15 ? comm[..15] : comm;
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 5000)
        {
            try
            {
                if (File.ReadAllText($"/proc/{Pid}/comm") == expected + "\n")
                {
                    return;
                }
            }
            catch (IOException)
            {
                // not there yet
            }

            Thread.Sleep(5);
        }

        throw new TimeoutException($"pid {Pid} did not exec {comm}");
    }
}
