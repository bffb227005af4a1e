// This file is part of Pardon, a userspace OOM killer for Linux.

using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Pardon.Benchmarks;

// `scan [--quick]`: the scan benchmarks and a one-paragraph summary (bench/scan.sh).
// Anything else goes to BenchmarkSwitcher: --filter '*', --list flat, ...
if (args.Length > 0 && args[0] == "scan")
{
    bool quick = args.Contains("--quick");
    Summary summary = BenchmarkRunner.Run<ScanBenchmarks>(BenchmarkConfig.Create(quick));
    Console.WriteLine();
    Console.WriteLine(ScanSummary.Describe(summary));
    return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ScanBenchmarks).Assembly).Run(args, BenchmarkConfig.Create(quick: false));
return 0;
