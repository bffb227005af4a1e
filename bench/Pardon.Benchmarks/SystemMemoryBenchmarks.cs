// This file is part of Pardon, a userspace OOM killer for Linux.

using BenchmarkDotNet.Attributes;
using Pardon.Core;
using Pardon.Linux;

namespace Pardon.Benchmarks;

/// <summary>The daemon's idle poll: one pread(2) of /proc/meminfo on a descriptor opened once, parsed.</summary>
[MemoryDiagnoser]
public class SystemMemoryBenchmarks : IDisposable
{
    private SystemMemoryReader _reader = null!;

    [GlobalSetup]
    public void Setup() => _reader = new SystemMemoryReader();

    [Benchmark]
    public long TryRead() => _reader.TryRead(0, out MemorySample sample) ? sample.AvailableKiB : -1;

    [GlobalCleanup]
    public void Dispose()
    {
        _reader?.Dispose();
        GC.SuppressFinalize(this);
    }
}
