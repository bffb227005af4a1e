// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.EndToEnd.Tests.Infrastructure;
using Pardon.Linux.Pressure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Stall;

/// <summary>
/// The v2 twin of a v1 test cgroup: the cgroup at the same path in the cgroup2 hierarchy (here
/// /sys/fs/cgroup/unified), holding the same processes, so that its memory.pressure measures their stall —
/// the hybrid layout systemd sets up, which the daemon reads PSI from (see <see cref="PressureSource"/>).
/// Creates the missing parents too, and on Dispose removes what it created, deepest first (a parent
/// another run still uses stays). The processes must be gone first (dispose the TestCgroup before this).
/// </summary>
public sealed class V2Twin : IDisposable
{
    private static readonly object s_gate = new();
    private static bool s_swept;
    private readonly List<string> _created;
    private readonly ITestOutputHelper? _log;
    private bool _disposed;

    private V2Twin(string path, List<string> created, ITestOutputHelper? log)
    {
        Path = path;
        _created = created;
        _log = log;
    }

    public string Path { get; }

    public string PressurePath => System.IO.Path.Combine(Path, "memory.pressure");

    /// <summary>Creates the twin of <paramref name="cgroup"/> (a v1 memory cgroup); throws when the machine has no cgroup2 mount.</summary>
    public static V2Twin Create(TestCgroup cgroup, ITestOutputHelper? log = null)
    {
        string path = TwinOf(cgroup.Path);
        lock (s_gate)
        {
            if (!s_swept)
            {
                SweepStale(System.IO.Path.GetDirectoryName(path)!);
                s_swept = true;
            }
        }

        var created = new List<string>();
        string? dir = path;
        var missing = new Stack<string>();
        while (dir is not null && !Directory.Exists(dir))
        {
            missing.Push(dir);
            dir = System.IO.Path.GetDirectoryName(dir);
        }

        while (missing.Count > 0)
        {
            string d = missing.Pop();
            Directory.CreateDirectory(d);
            created.Add(d);
        }

        log?.WriteLine($"v2 twin {path}" + (created.Count > 0 ? $" (created {created.Count} director{(created.Count == 1 ? "y" : "ies")})" : ""));
        return new V2Twin(path, created, log);
    }

    /// <summary>Where the cgroup2 hierarchy shows the hierarchy path of a v1 memory cgroup directory.</summary>
    public static string TwinOf(string v1Directory)
    {
        MountInfo mounts = MountInfo.Read();
        MountInfo.Mount v1 = mounts.V1MountOf(v1Directory, "memory") ?? throw new InvalidOperationException($"{v1Directory} is not under a v1 memory mount");
        string hierarchyPath = v1.HierarchyPath(v1Directory);
        return mounts.V2Mounts().Select(m => m.DirectoryOf(hierarchyPath)).FirstOrDefault(d => d is not null)
            ?? throw new InvalidOperationException("no cgroup2 hierarchy is mounted where the twin of " + hierarchyPath + " could live");
    }

    /// <summary>Moves <paramref name="pid"/> into the twin (its v1 membership is unchanged: the hierarchies are independent).</summary>
    public void Add(int pid) => File.WriteAllText(System.IO.Path.Combine(Path, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture) + "\n");

    /// <summary>The pids in the twin.</summary>
    public IReadOnlyList<int> Pids() =>
        [.. File.ReadAllLines(System.IO.Path.Combine(Path, "cgroup.procs")).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture))];

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        string? problem = null;
        for (int i = _created.Count - 1; i >= 0; i--)
        {
            if (!TryRemove(_created[i], TimeSpan.FromSeconds(i == _created.Count - 1 ? 10 : 0), out string? error) && i == _created.Count - 1)
            {
                problem = error;
            }
        }

        if (problem is not null)
        {
            _log?.WriteLine(problem);
            throw new InvalidOperationException(problem);
        }
    }

    /// <summary>rmdir, retried while the last processes finish exiting; a parent still in use is left alone.</summary>
    private static bool TryRemove(string dir, TimeSpan patience, out string? error)
    {
        DateTime until = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                Directory.Delete(dir);
                error = null;
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                error = null;
                return true;
            }
            catch (IOException ex)
            {
                if (DateTime.UtcNow >= until)
                {
                    error = $"cannot remove the v2 twin {dir}: {ex.Message}";
                    return false;
                }

                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Removes twins of earlier runs whose test process is gone (pardon-e2e-PID-… like the v1 cgroups).</summary>
    private static void SweepStale(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (string dir in Directory.GetDirectories(parent, TestCgroup.NamePrefix + "*"))
        {
            string[] parts = System.IO.Path.GetFileName(dir)[TestCgroup.NamePrefix.Length..].Split('-');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) &&
                pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                TestCgroup.KillEverything(dir, TimeSpan.FromSeconds(5));
                TryRemove(dir, TimeSpan.FromSeconds(5), out _);
            }
        }
    }
}
