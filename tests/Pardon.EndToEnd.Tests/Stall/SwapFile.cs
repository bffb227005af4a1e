// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Stall;

/// <summary>
/// A swap file for one test (fallocate, mkswap, swapon), at most 2 GiB, always switched off and deleted:
/// on Dispose, on process exit (even an unhandled exception), and — for a test host that was killed — by
/// the sweep the first <see cref="Create"/> of every later run makes, which removes any
/// <c>pardon-e2e-swap-PID-…</c> file whose PID is gone. Swap is machine-wide: the end-to-end tests run one
/// assembly at a time (scripts/test), and the tests that turn swap on share one collection, so no other
/// memory test of the run sees it.
/// </summary>
public sealed class SwapFile : IDisposable
{
    public const long MaxBytes = 2L << 30;
    public const string Directory = "/var/tmp";
    public const string Prefix = "pardon-e2e-swap-";

    private static readonly object s_gate = new();
    private static readonly HashSet<string> s_active = [];
    private static int s_sequence;
    private static bool s_swept;
    private readonly ITestOutputHelper? _log;
    private bool _disposed;

    static SwapFile()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveAllActive();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => RemoveAllActive();
    }

    private SwapFile(string path, long bytes, ITestOutputHelper? log)
    {
        Path = path;
        Bytes = bytes;
        _log = log;
    }

    public string Path { get; }

    public long Bytes { get; }

    /// <summary>Creates and enables a swap file of <paramref name="bytes"/> (at most <see cref="MaxBytes"/>).</summary>
    public static SwapFile Create(long bytes, ITestOutputHelper? log = null)
    {
        if (bytes <= 0 || bytes > MaxBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "a test swap file holds at most 2 GiB");
        }

        lock (s_gate)
        {
            if (!s_swept)
            {
                SweepStale(log);
                s_swept = true;
            }
        }

        string path = System.IO.Path.Combine(Directory, Prefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" +
            Interlocked.Increment(ref s_sequence).ToString(CultureInfo.InvariantCulture));
        lock (s_gate)
        {
            s_active.Add(path);
        }

        var swap = new SwapFile(path, bytes, log);
        try
        {
            Run("fallocate", "-l", bytes.ToString(CultureInfo.InvariantCulture), path);
            Run("chmod", "600", path);
            Run("mkswap", "-q", path);
            Run("swapon", path);
        }
        catch
        {
            swap.Dispose();
            throw;
        }

        log?.WriteLine($"swap on: {path}, {bytes >> 20} MiB");
        return swap;
    }

    /// <summary>Whether <paramref name="path"/> is listed in /proc/swaps (swap on).</summary>
    public static bool IsOn(string path) =>
        File.ReadAllLines("/proc/swaps").Skip(1).Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() == path);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        string? problem = Remove(Path);
        lock (s_gate)
        {
            s_active.Remove(Path);
        }

        _log?.WriteLine(problem is null ? $"swap off: {Path} removed" : "swap cleanup failed: " + problem);
        if (problem is not null)
        {
            throw new InvalidOperationException("swap cleanup failed: " + problem);
        }
    }

    /// <summary>swapoff (when on) and delete; the problem in words, or null.</summary>
    private static string? Remove(string path)
    {
        string? problem = null;
        try
        {
            if (File.Exists(path) && IsOn(path))
            {
                // swapoff moves the swapped pages back into memory; the test cgroups are gone by now or
                // small, so this takes well under a second. Retry once: it fails with EBUSY if raced.
                if (!TryRun("swapoff", out string error, path) && !TryRun("swapoff", out error, path))
                {
                    problem = $"swapoff {path}: {error}";
                }
            }

            if (problem is null)
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"{path}: {ex.Message}";
        }

        return problem;
    }

    private static void RemoveAllActive()
    {
        string[] paths;
        lock (s_gate)
        {
            paths = [.. s_active];
            s_active.Clear();
        }

        foreach (string path in paths)
        {
            Remove(path);
        }
    }

    /// <summary>Removes swap files of earlier runs whose test process is gone (a host killed before it could clean up).</summary>
    private static void SweepStale(ITestOutputHelper? log)
    {
        foreach (string file in System.IO.Directory.GetFiles(Directory, Prefix + "*"))
        {
            string[] parts = System.IO.Path.GetFileName(file)[Prefix.Length..].Split('-');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) &&
                pid != Environment.ProcessId && !System.IO.Directory.Exists($"/proc/{pid}"))
            {
                string? problem = Remove(file);
                log?.WriteLine(problem is null ? $"removed a stale swap file: {file}" : "stale swap file: " + problem);
            }
        }
    }

    private static void Run(string tool, params string[] args)
    {
        if (!TryRun(tool, out string error, args))
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)}: {error}");
        }
    }

    private static bool TryRun(string tool, out string error, params string[] args)
    {
        (int code, string output, string stderr) = Exec(tool, args);
        error = code == 0 ? "" : $"exit {code}: {stderr.Trim()} {output.Trim()}".Trim();
        return code == 0;
    }

    private static (int Code, string Stdout, string Stderr) Exec(string tool, params string[] args)
    {
        string program = new[] { "/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/" }.Select(d => d + tool).FirstOrDefault(File.Exists) ?? tool;
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + program);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill();
            return (-1, "", $"{program} did not finish within 60 s");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
