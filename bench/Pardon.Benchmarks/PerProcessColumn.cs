// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Pardon.Benchmarks;

/// <summary>
/// For the scan benchmarks: the processes one operation scanned, or the mean time divided by them. The
/// counts come from the benchmark class's statics, which works because the benchmarks run in-process.
/// </summary>
public sealed class PerProcessColumn : IColumn
{
    private readonly bool _perProcess;

    private PerProcessColumn(bool perProcess)
    {
        _perProcess = perProcess;
    }

    public static PerProcessColumn Processes { get; } = new(perProcess: false);

    public static PerProcessColumn NanosecondsPerProcess { get; } = new(perProcess: true);

    public string Id => _perProcess ? "NsPerProcess" : "Processes";

    public string ColumnName => _perProcess ? "ns/process" : "Processes";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => _perProcess ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => _perProcess
        ? "Mean time of one operation divided by the processes it scanned"
        : "Processes scanned by one operation";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Descriptor.Type != typeof(ScanBenchmarks) || (_perProcess && benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(ScanBenchmarks.Rank)))
        {
            return "-";
        }

        int processes = ScanBenchmarks.ProcessesFor(benchmarkCase.Descriptor.WorkloadMethod.Name);
        if (!_perProcess)
        {
            return processes.ToString(CultureInfo.InvariantCulture);
        }

        double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is double ns && processes > 0 ? (ns / processes).ToString("0.0", CultureInfo.InvariantCulture) : "-";
    }

    public override string ToString() => ColumnName;
}
