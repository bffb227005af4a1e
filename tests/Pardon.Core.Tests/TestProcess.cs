// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

/// <summary>Builds the <see cref="ProcessFacts"/> a scan would produce, with defaults for an ordinary old process.</summary>
internal static class TestProcess
{
    public const long PageSize = 4096;

    /// <summary>24 GiB of RAM and no swap: the totalpages of this project's own machines (MemTotal 24684096 kB).</summary>
    public const long MachineTotalPages = 6171024;

    /// <summary>The "now" of most tests: 10 000 s after boot, so a process started at tick 1000 (10 s) is old.</summary>
    public const long NowMs = 10_000_000;

    public const ulong OldStartTicks = 1000;

    public static ProcessFacts Make(
        int pid,
        long rssPages = 0,
        short adj = 0,
        long swapPages = 0,
        long pgTablesBytes = 0,
        ulong startTicks = OldStartTicks,
        uint uid = 1000,
        string comm = "proc",
        string? exe = "/usr/bin/proc",
        string cmdline = "proc",
        string? cgroup = "/user.slice",
        bool kernelThread = false,
        bool hasMm = true,
        bool inVfork = false)
    {
        return new ProcessFacts
        {
            Pid = pid,
            Ppid = 1,
            Pgid = pid,
            Uid = uid,
            StartTime = startTicks,
            State = 'S',
            Comm = comm,
            Exe = exe,
            Cmdline = cmdline,
            Cgroup = cgroup,
            RssAnonPages = rssPages,
            SwapPages = swapPages,
            PgTablesBytes = pgTablesBytes,
            OomScoreAdj = adj,
            IsKernelThread = kernelThread,
            HasMm = hasMm,
            InVfork = inVfork,
        };
    }

    public static OomScope SystemScope(long totalPages = MachineTotalPages)
        => new(ScopeKind.System, null, totalPages, totalPages, PageSize);

    public static OomScope CgroupScope(long totalPages, long systemTotalPages = MachineTotalPages)
        => new(ScopeKind.Cgroup, "/sys/fs/cgroup/memory/test", totalPages, systemTotalPages, PageSize, CgroupVersion.V1);

    public static PardonGrant Grant(int pid, string reason = "screen locker", long maxRssKiB = 0, long? expiresAtUnixMs = null)
        => new()
        {
            Pid = pid,
            StartTime = OldStartTicks,
            RequestedByUid = 1000,
            RequestedByPid = pid,
            Reason = reason,
            Rule = "pardon.allow[0]",
            MaxRssKiB = maxRssKiB,
            GrantedAtUnixMs = 1_700_000_000_000,
            ExpiresAtUnixMs = expiresAtUnixMs,
            OwnerUid = 1000,
        };
}
