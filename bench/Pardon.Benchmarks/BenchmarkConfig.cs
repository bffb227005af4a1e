// This file is part of Pardon, a userspace OOM killer for Linux.

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Pardon.Benchmarks;

/// <summary>
/// In-process runs (no generated project to build: the repository's strict build and its artifacts path stay
/// out of it, and the per-process column can read the benchmark's counts), memory diagnoser on, results
/// under the build output rather than in the working directory.
/// </summary>
public static class BenchmarkConfig
{
    public static IConfig Create(bool quick)
    {
        Job job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance);
        if (quick)
        {
            job = job.WithWarmupCount(3).WithIterationCount(10);
        }

        return ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(PerProcessColumn.Processes, PerProcessColumn.NanosecondsPerProcess)
            .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"))
            .WithOptions(ConfigOptions.DisableLogFile);
    }
}
