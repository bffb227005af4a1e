// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Stall;

/// <summary>
/// Everything a stall test stands on, created in order and removed in the reverse order that cleanup needs
/// (the processes, then the v2 twin they were in, then swap — switched off once nothing in it is in use):
/// an optional swap file; a v1 memory cgroup of at most 512 MiB (allowed to swap into the swap file, at
/// swappiness 100, when there is one; no swap otherwise); its v2 twin holding the same processes; and a
/// <see cref="PsiProbe"/> on the twin's memory.pressure, the test's own measure of the stall.
/// </summary>
public sealed class StallScene : IDisposable
{
    private readonly ITestOutputHelper _log;
    private bool _disposed;

    private StallScene(ITestOutputHelper log, SwapFile? swap, TestCgroup cgroup, V2Twin twin, PsiProbe probe)
    {
        _log = log;
        Swap = swap;
        Cgroup = cgroup;
        Twin = twin;
        Probe = probe;
    }

    public SwapFile? Swap { get; }

    public TestCgroup Cgroup { get; }

    public V2Twin Twin { get; }

    public PsiProbe Probe { get; }

    /// <summary>Sets the scene: <paramref name="limitMiB"/> of memory, and <paramref name="swapMiB"/> of swap (0: none).</summary>
    public static StallScene Create(int limitMiB, int swapMiB, ITestOutputHelper log)
    {
        if (!File.Exists(Thrasher.Path))
        {
            throw new InvalidOperationException($"the thrasher helper was not built ({Thrasher.Path}; it needs a C compiler)");
        }

        SwapFile? swap = swapMiB > 0 ? SwapFile.Create((long)swapMiB << 20, log) : null;
        TestCgroup? cgroup = null;
        V2Twin? twin = null;
        try
        {
            cgroup = TestCgroup.Create((long)limitMiB << 20, log);
            if (swap is not null && cgroup.Version == 1)
            {
                // memory+swap may exceed memory by the swap file's size; reclaim prefers anonymous pages.
                cgroup.WriteControl("memory.memsw.limit_in_bytes", (((long)limitMiB + swapMiB) << 20).ToString(CultureInfo.InvariantCulture));
                cgroup.WriteControl("memory.swappiness", "100");
            }

            twin = V2Twin.Create(cgroup, log);
            return new StallScene(log, swap, cgroup, twin, new PsiProbe(twin.PressurePath));
        }
        catch
        {
            cgroup?.Dispose();
            twin?.Dispose();
            swap?.Dispose();
            throw;
        }
    }

    /// <summary>Starts <paramref name="program"/> in the cgroup and its twin.</summary>
    public CgroupProcess Start(string program, params string[] arguments)
    {
        CgroupProcess p = Cgroup.Start(program, arguments);
        Twin.Add(p.Pid);
        return p;
    }

    /// <summary>Starts the thrasher (see helpers/thrasher.c) and waits until it has printed "started".</summary>
    public CgroupProcess StartThrasher(params string[] arguments) => Start(Thrasher.Path, arguments);

    /// <summary>A stable, idle process holding <paramref name="mib"/> MiB: it must survive.</summary>
    public CgroupProcess StartBystander(int mib)
    {
        CgroupProcess p = Start(Memhog.Path, "--mib", mib.ToString(CultureInfo.InvariantCulture));
        p.WaitForReady(TimeSpan.FromSeconds(30));
        return p;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var problems = new List<Exception>();
        foreach (Action step in new Action[] { Probe.Dispose, Cgroup.Dispose, Twin.Dispose, () => Swap?.Dispose() })
        {
            try
            {
                step();
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                problems.Add(ex);
            }
        }

        if (problems.Count > 0)
        {
            _log.WriteLine("stall scene cleanup: " + string.Join("; ", problems.Select(p => p.Message)));
            throw new AggregateException("stall scene cleanup failed", problems);
        }
    }
}
