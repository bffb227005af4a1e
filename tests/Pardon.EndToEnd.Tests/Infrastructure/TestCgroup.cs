// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A memory cgroup made for one test, as a child of the test process's own (v1 or v2), with a memory limit
/// of at most 512 MiB and no swap. Processes started through it are inside it from their first
/// instruction: a shell writes its own pid into cgroup.procs and then execs the program, so nothing they
/// allocate is charged elsewhere. Disposing kills, by pid, every process still in the cgroup or its
/// descendants (the test started them all), waits for them, and removes the directories; it runs — and
/// cleans up — whether the test passed or not, and throws only when something could not be cleaned up.
/// </summary>
public sealed class TestCgroup : IDisposable
{
    /// <summary>The largest limit a test may set: memory pressure stays small and contained.</summary>
    public const long MaxLimitBytes = 512L * 1024 * 1024;

    /// <summary>Directory names start with this, then the test process's pid (see <see cref="TestCgroupSweeper"/>).</summary>
    public const string NamePrefix = "pardon-e2e-";

    private static int s_sequence;
    private readonly List<CgroupProcess> _processes = [];
    private readonly ITestOutputHelper? _log;
    private bool _disposed;

    private TestCgroup(OwnMemoryCgroup parent, string path, ITestOutputHelper? log)
    {
        Parent = parent;
        Path = path;
        _log = log;
    }

    /// <summary>The cgroup's directory.</summary>
    public string Path { get; }

    public OwnMemoryCgroup Parent { get; }

    /// <summary>1 or 2, as the parent's.</summary>
    public int Version => Parent.Version;

    public long LimitBytes { get; private set; }

    /// <summary>The processes started so far, in order.</summary>
    public IReadOnlyList<CgroupProcess> Processes => _processes;

    /// <summary>
    /// Creates the cgroup and sets its limit. Throws when <paramref name="limitBytes"/> exceeds
    /// <see cref="MaxLimitBytes"/>, and with the reason when the machine lacks root or a memory cgroup.
    /// </summary>
    public static TestCgroup Create(long limitBytes, ITestOutputHelper? log = null)
    {
        if (limitBytes <= 0 || limitBytes > MaxLimitBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(limitBytes), limitBytes,
                $"a test cgroup's limit must be positive and at most {MaxLimitBytes >> 20} MiB");
        }

        OwnMemoryCgroup parent = EndToEndPrerequisites.Require();
        string name = NamePrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" +
            Interlocked.Increment(ref s_sequence).ToString(CultureInfo.InvariantCulture);
        string path = System.IO.Path.Combine(parent.Directory, name);
        if (Directory.Exists(path))
        {
            throw new InvalidOperationException($"{path} exists already: a leftover of an earlier run with the same pid");
        }

        Directory.CreateDirectory(path);
        var cgroup = new TestCgroup(parent, path, log);
        try
        {
            cgroup.SetLimit(limitBytes);
        }
        catch
        {
            cgroup.Dispose();
            throw;
        }

        log?.WriteLine($"cgroup v{parent.Version} {path}: limit {limitBytes >> 20} MiB");
        return cgroup;
    }

    /// <summary>Sets the memory limit (and no swap beyond it).</summary>
    public void SetLimit(long limitBytes)
    {
        if (limitBytes <= 0 || limitBytes > MaxLimitBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(limitBytes), limitBytes, $"at most {MaxLimitBytes >> 20} MiB");
        }

        string bytes = limitBytes.ToString(CultureInfo.InvariantCulture);
        if (Version == 1)
        {
            // memsw (memory + swap) must stay >= the memory limit: lower memory first when shrinking.
            bool memsw = File.Exists(FilePath("memory.memsw.limit_in_bytes"));
            if (memsw && limitBytes > LimitBytes && LimitBytes > 0)
            {
                WriteControl("memory.memsw.limit_in_bytes", bytes);
                WriteControl("memory.limit_in_bytes", bytes);
            }
            else
            {
                WriteControl("memory.limit_in_bytes", bytes);
                if (memsw)
                {
                    WriteControl("memory.memsw.limit_in_bytes", bytes);
                }
            }
        }
        else
        {
            WriteControl("memory.max", bytes);
            if (File.Exists(FilePath("memory.swap.max")))
            {
                WriteControl("memory.swap.max", "0");
            }
        }

        LimitBytes = limitBytes;
    }

    public string FilePath(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a control file of the cgroup (no O_CREAT, no O_TRUNC surprises); the error names the file.</summary>
    public void WriteControl(string name, string value)
    {
        string path = FilePath(name);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
            byte[] data = System.Text.Encoding.ASCII.GetBytes(value + "\n");
            stream.Write(data);
        }
        catch (IOException ex)
        {
            throw new IOException($"writing \"{value}\" to {path}: {ex.Message}", ex);
        }
    }

    public string ReadControl(string name) => File.ReadAllText(FilePath(name));

    /// <summary>
    /// Starts <paramref name="program"/> inside the cgroup and returns once it is there (it has written itself
    /// into cgroup.procs and exec'd). Throws with its output when it could not join the cgroup.
    /// </summary>
    public CgroupProcess Start(string program, params string[] arguments) => StartIn(Path, program, arguments);

    /// <summary>Like <see cref="Start"/>, in <paramref name="directory"/>: this cgroup or a child made with <see cref="CreateChild"/>.</summary>
    public CgroupProcess StartIn(string directory, string program, params string[] arguments)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // $1 is cgroup.procs; the rest is the command. exec keeps the pid, so the program is the one we track.
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("echo $$ > \"$1\" && shift && exec \"$@\"");
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(System.IO.Path.Combine(directory, "cgroup.procs"));
        psi.ArgumentList.Add(program);
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        string description = string.Join(' ', [System.IO.Path.GetFileName(program), .. arguments]);
        Process process = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null for " + description);
        var started = new CgroupProcess(process, description);
        _processes.Add(started);

        // Joined once /proc/PID/cgroup names this cgroup (the shell's write returned); an exit first is a failure.
        var clock = Stopwatch.StartNew();
        while (!IsListed(directory, started.Pid))
        {
            if (started.HasExited || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                started.WaitForExit(TimeSpan.FromSeconds(1));
                throw new InvalidOperationException($"{description} did not start inside {directory}: {started.Describe()}");
            }

            Thread.Sleep(1);
        }

        _log?.WriteLine($"started {started.Pid}: {description}");
        return started;
    }

    /// <summary>Starts memhog (see helpers/memhog.c) inside the cgroup.</summary>
    public CgroupProcess StartMemhog(params string[] arguments) => Start(Memhog.Path, arguments);

    /// <summary>The pids in this cgroup and its descendants, from their cgroup.procs files.</summary>
    public IReadOnlyList<int> ReadPids()
    {
        var pids = new List<int>();
        foreach (string dir in SelfAndDescendants())
        {
            string text;
            try
            {
                text = File.ReadAllText(System.IO.Path.Combine(dir, "cgroup.procs"));
            }
            catch (IOException)
            {
                continue; // removed meanwhile
            }

            foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                pids.Add(int.Parse(line, CultureInfo.InvariantCulture));
            }
        }

        return pids;
    }

    /// <summary>How many processes of this cgroup the kernel's OOM killer has killed (v1 memory.oom_control, v2 memory.events).</summary>
    public long ReadOomKillCount()
    {
        string file = Version == 1 ? "memory.oom_control" : "memory.events";
        foreach (string line in ReadControl(file).Split('\n'))
        {
            string[] parts = line.Split(' ');
            if (parts.Length == 2 && parts[0] == "oom_kill")
            {
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidDataException($"no oom_kill line in {FilePath(file)} (kernel older than 4.13?)");
    }

    /// <summary>The memory charged to the cgroup now (v1 memory.usage_in_bytes, v2 memory.current).</summary>
    public long ReadUsageBytes() =>
        long.Parse(ReadControl(Version == 1 ? "memory.usage_in_bytes" : "memory.current").Trim(), CultureInfo.InvariantCulture);

    /// <summary>Creates a child cgroup directory (for tests of nested scopes); Dispose removes it too.</summary>
    public string CreateChild(string name)
    {
        string path = FilePath(name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        List<string> problems = [];
        try
        {
            if (!KillEverything(Path, TimeSpan.FromSeconds(15)))
            {
                problems.Add($"processes still in {Path} after SIGKILL: {string.Join(", ", ReadPids())}");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            problems.Add("killing: " + ex.Message);
        }

        foreach (CgroupProcess p in _processes)
        {
            // One that never joined (it failed to start inside) is killed as our own child.
            if (!p.HasExited)
            {
                p.Kill();
            }

            if (!p.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                problems.Add($"{p} did not exit");
            }

            p.Dispose();
        }

        if (!RemoveTree(Path, TimeSpan.FromSeconds(10), out string? error))
        {
            problems.Add(error!);
        }

        if (problems.Count > 0)
        {
            string message = $"cleanup of test cgroup {Path} failed: " + string.Join("; ", problems);
            _log?.WriteLine(message);
            throw new InvalidOperationException(message);
        }
    }

    /// <summary>
    /// SIGKILLs, by pid, every process in <paramref name="path"/> and its descendants until none is left.
    /// Each pid is re-checked as a member after its pidfd is open, so a recycled pid is never hit.
    /// </summary>
    internal static bool KillEverything(string path, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            List<(int Pid, string Dir)> members = [];
            foreach (string dir in SelfAndDescendants(path))
            {
                string text;
                try
                {
                    text = File.ReadAllText(System.IO.Path.Combine(dir, "cgroup.procs"));
                }
                catch (IOException)
                {
                    continue;
                }

                foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    members.Add((int.Parse(line, CultureInfo.InvariantCulture), dir));
                }
            }

            if (members.Count == 0)
            {
                return true;
            }

            if (clock.Elapsed > timeout)
            {
                return false;
            }

            foreach ((int pid, string dir) in members)
            {
                Native.Kill(pid, () => IsListed(dir, pid));
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>rmdir of every directory of the tree, deepest first, retried while the kernel still holds them.</summary>
    internal static bool RemoveTree(string path, TimeSpan timeout, out string? error)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            error = null;
            if (!Directory.Exists(path))
            {
                return true;
            }

            try
            {
                List<string> dirs = SelfAndDescendants(path);
                dirs.Reverse(); // pre-order reversed: children before their parent
                foreach (string dir in dirs)
                {
                    // Non-recursive Directory.Delete is rmdir(2): cgroupfs removes a cgroup's control files with it.
                    Directory.Delete(dir, recursive: false);
                }

                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"cannot remove {path}: {ex.Message}";
                if (clock.Elapsed > timeout)
                {
                    return false;
                }

                Thread.Sleep(50);
            }
        }
    }

    private static bool IsListed(string dir, int pid)
    {
        try
        {
            string procs = File.ReadAllText(System.IO.Path.Combine(dir, "cgroup.procs"));
            string p = pid.ToString(CultureInfo.InvariantCulture);
            foreach (string line in procs.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line == p)
                {
                    return true;
                }
            }

            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private List<string> SelfAndDescendants() => SelfAndDescendants(Path);

    /// <summary>The directory and every cgroup below it, parents before children.</summary>
    private static List<string> SelfAndDescendants(string path)
    {
        var result = new List<string>();
        if (!Directory.Exists(path))
        {
            return result;
        }

        result.Add(path);
        for (int i = 0; i < result.Count; i++)
        {
            try
            {
                result.AddRange(Directory.GetDirectories(result[i]));
            }
            catch (DirectoryNotFoundException)
            {
                // removed meanwhile
            }
        }

        return result;
    }
}
