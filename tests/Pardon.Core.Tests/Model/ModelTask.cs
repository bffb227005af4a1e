// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests.Model;

/// <summary>A task as the reference model sees it: the fields mm/oom_kill.c reads, nothing else.</summary>
internal sealed record ModelTask(
    int Pid,
    long Rss,
    long Swap,
    long PgTablesBytes,
    short Adj,
    bool GlobalInit = false,
    bool KernelThread = false,
    bool HasMm = true,
    bool InVfork = false,
    long? Bucket = null)
{
    public ProcessFacts ToFacts() => new()
    {
        Pid = Pid,
        Ppid = 1,
        Comm = "t" + Pid,
        RssAnonPages = Rss,
        SwapPages = Swap,
        PgTablesBytes = PgTablesBytes,
        OomScoreAdj = Adj,
        IsGlobalInit = GlobalInit,
        IsKernelThread = KernelThread,
        HasMm = HasMm,
        InVfork = InVfork,
        OrderBucket = Bucket,
        StartTime = 1000,
    };
}
