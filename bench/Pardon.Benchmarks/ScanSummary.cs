// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using BenchmarkDotNet.Reports;

namespace Pardon.Benchmarks;

/// <summary>The paragraph bench/scan.sh prints: time per process, bytes per scan, processes, against the issue's targets.</summary>
public static class ScanSummary
{
    /// <summary>The issue's target: a full scan and ranking under 3 µs per process.</summary>
    public const double TargetNsPerProcess = 3000;

    public static string Describe(Summary summary)
    {
        BenchmarkReport? live = Find(summary, nameof(ScanBenchmarks.ScanAndRank));
        BenchmarkReport? steady = Find(summary, nameof(ScanBenchmarks.ScanAndRankSteady));
        BenchmarkReport? user = Find(summary, nameof(ScanBenchmarks.ScanAndRankUserSpace));
        if (live?.ResultStatistics is null || steady?.ResultStatistics is null || user?.ResultStatistics is null)
        {
            return "SUMMARY: the scan benchmarks did not produce results (see above).";
        }

        int liveCount = ScanBenchmarks.LiveProcesses;
        int steadyCount = ScanBenchmarks.SteadyProcesses;
        double liveNs = live.ResultStatistics.Mean / liveCount;
        double steadyNs = steady.ResultStatistics.Mean / steadyCount;
        double userNs = user.ResultStatistics.Mean / ScanBenchmarks.UserProcesses;
        long userBytes = user.GcStats.GetBytesAllocatedPerOperation(user.BenchmarkCase) ?? -1;
        long liveBytes = live.GcStats.GetBytesAllocatedPerOperation(live.BenchmarkCase) ?? -1;
        long steadyBytes = steady.GcStats.GetBytesAllocatedPerOperation(steady.BenchmarkCase) ?? -1;
        return string.Create(CultureInfo.InvariantCulture,
            $"SUMMARY: one full scan and ranking of this machine's {liveCount} processes ({liveCount - ScanBenchmarks.LiveKernelThreads} user-space, " +
            $"{ScanBenchmarks.LiveKernelThreads} kernel threads; ProcessTable.Scan over /proc, then " +
            $"VictimSelector.Rank) takes {live.ResultStatistics.Mean / 1000:0.0} µs, {liveNs:0} ns per process, and allocates " +
            $"{liveBytes} B per scan while other work starts and ends processes; in the steady state (the {steadyCount} processes " +
            $"alive at setup, none starting or exiting) it takes {steadyNs:0} ns per process and allocates {steadyBytes} B per scan, and over " +
            $"the {ScanBenchmarks.UserProcesses} user-space processes alone (two reads each, where a kernel thread needs one) {userNs:0} ns per " +
            $"process and {userBytes} B per scan. " +
            $"Targets: under {TargetNsPerProcess / 1000:0} µs per process ({(Math.Max(Math.Max(liveNs, steadyNs), userNs) < TargetNsPerProcess ? "met" : "MISSED")}) " +
            $"and no steady-state allocation ({(steadyBytes == 0 && userBytes == 0 ? "met" : "MISSED")}). " +
            $"{Environment.ProcessorCount} CPUs, {Environment.OSVersion.VersionString}, .NET {Environment.Version}.");
    }

    private static BenchmarkReport? Find(Summary summary, string method) =>
        summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
}
