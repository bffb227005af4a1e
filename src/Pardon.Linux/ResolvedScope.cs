// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Cgroups;
using Pardon.Linux.Procfs;

namespace Pardon.Linux;

/// <summary>
/// Everything needed to watch one scope: how to read its memory, how to list its processes, and how to
/// compute the kernel's OOM denominator for it. Built from a --cgroup directory, or for the whole system.
/// </summary>
public sealed class ResolvedScope : IDisposable
{
    private readonly SystemMemoryReader _system;
    private readonly bool _ownsSystem;
    private readonly string _procRoot;

    private ResolvedScope(string procRoot, SystemMemoryReader system, bool ownsSystem, IMemoryReader memory, IPidSource pids, CgroupDirectory? cgroup)
    {
        _procRoot = procRoot;
        _system = system;
        _ownsSystem = ownsSystem;
        Memory = memory;
        Pids = pids;
        Cgroup = cgroup;
        PageSize = Environment.SystemPageSize;
    }

    public IMemoryReader Memory { get; }

    public IPidSource Pids { get; }

    /// <summary>The cgroup, or null for the system scope.</summary>
    public CgroupDirectory? Cgroup { get; }

    public long PageSize { get; }

    public ScopeKind Kind => Cgroup is null ? ScopeKind.System : ScopeKind.Cgroup;

    /// <summary>Resolves a scope. Throws <see cref="ScopeException"/> with a message for the user when the cgroup is unusable.</summary>
    public static ResolvedScope Create(string? cgroupDirectory, string procRoot = "/proc") => Create(cgroupDirectory, null, procRoot);

    /// <summary>
    /// As <see cref="Create(string?, string)"/>, reading /proc/meminfo through <paramref name="sharedSystem"/>
    /// when given (the daemon's scopes share one reader: one descriptor and one buffer for hundreds of
    /// scopes, all read on one thread); the scope then leaves it open when disposed.
    /// </summary>
    public static ResolvedScope Create(string? cgroupDirectory, SystemMemoryReader? sharedSystem, string procRoot = "/proc")
    {
        bool owns = sharedSystem is null;
        SystemMemoryReader system = sharedSystem ?? new SystemMemoryReader(procRoot);
        try
        {
            if (cgroupDirectory is null)
            {
                return new ResolvedScope(procRoot, system, owns, system, new ProcPidSource(procRoot), null);
            }

            CgroupDirectory cgroup = CgroupDirectory.Open(cgroupDirectory);
            IMemoryReader memory = cgroup.Version == CgroupVersion.V1
                ? new CgroupV1MemoryReader(cgroup, system, Environment.SystemPageSize)
                : new CgroupV2MemoryReader(cgroup, system);
            return new ResolvedScope(procRoot, system, owns, memory, new CgroupPidSource(cgroup.Path, cgroup.Version), cgroup);
        }
        catch
        {
            if (owns)
            {
                system.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// The kernel's view of the scope right now: totalpages for an OOM here, and the system's totalpages
    /// that /proc/PID/oom_score uses. Reads the limit files, so call it per decision, not per poll.
    /// </summary>
    public OomScope ComputeOomScope()
    {
        if (!_system.TryReadMemInfo(out ParsedMemInfo m))
        {
            throw new IOException("cannot read /proc/meminfo");
        }

        long systemTotal = TotalPages.ForSystem(m.MemTotal, m.SwapTotal, PageSize);
        if (Cgroup is null)
        {
            return new OomScope(ScopeKind.System, null, systemTotal, systemTotal, PageSize);
        }

        long totalSwapPages = m.SwapTotal / (PageSize / 1024);
        return CgroupOomScope.Compute(Cgroup, systemTotal, totalSwapPages, PageSize, _procRoot);
    }

    public void Dispose()
    {
        if (!ReferenceEquals(Memory, _system))
        {
            Memory.Dispose();
        }

        if (_ownsSystem)
        {
            _system.Dispose();
        }
        (Pids as IDisposable)?.Dispose();
    }
}
