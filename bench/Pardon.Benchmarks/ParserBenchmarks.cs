// This file is part of Pardon, a userspace OOM killer for Linux.

using BenchmarkDotNet.Attributes;
using Pardon.Linux.Procfs;

namespace Pardon.Benchmarks;

/// <summary>
/// The procfs parsers on real text, captured from this machine when the benchmark starts: the benchmark
/// process's own stat, status, statm, oom_score_adj and cgroup (a .NET process: many threads, a long
/// status), and the system's meminfo and memory pressure.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private byte[] _stat = [];
    private byte[] _status = [];
    private byte[] _statm = [];
    private byte[] _oomScoreAdj = [];
    private byte[] _cgroup = [];
    private byte[] _meminfo = [];
    private byte[] _pressure = [];

    [GlobalSetup]
    public void Setup()
    {
        _stat = File.ReadAllBytes("/proc/self/stat");
        _status = File.ReadAllBytes("/proc/self/status");
        _statm = File.ReadAllBytes("/proc/self/statm");
        _oomScoreAdj = File.ReadAllBytes("/proc/self/oom_score_adj");
        _cgroup = File.ReadAllBytes("/proc/self/cgroup");
        _meminfo = File.ReadAllBytes("/proc/meminfo");
        _pressure = File.Exists("/proc/pressure/memory")
            ? File.ReadAllBytes("/proc/pressure/memory")
            : "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"u8.ToArray();
    }

    [Benchmark]
    public long Stat() => ProcFs.TryParseStat(_stat, out ParsedStat s) ? s.rss : -1;

    [Benchmark]
    public long Status() => ProcFs.TryParseStatus(_status, out ParsedStatus s) ? s.RssAnon : -1;

    [Benchmark]
    public long Statm() => ProcFs.TryParseStatm(_statm, out ParsedStatm s) ? s.resident : -1;

    [Benchmark]
    public long OomScoreAdj() => ProcFs.TryParseOomScoreAdj(_oomScoreAdj, out short v) ? v : -1;

    [Benchmark]
    public long MemoryCgroup() => ProcFs.TryParseMemoryCgroup(_cgroup, out Range path, out _) ? path.End.Value : -1;

    [Benchmark]
    public long MemInfo() => ProcFs.TryParseMemInfo(_meminfo, out ParsedMemInfo m) ? m.MemAvailable : -1;

    [Benchmark]
    public double Pressure() => ProcFs.TryParsePressure(_pressure, out ParsedPressure p) ? p.SomeAvg10 : -1;
}
