// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Prediction;

/// <summary>
/// The forecast against real timed growth: a 100 MiB process holds still while a paced allocator grows at
/// 20 MiB/s in a 256 MiB cgroup. Now the kernel would kill the large one; by the OOM the grower is larger.
/// `rank` forecasts when the OOM comes and whom it kills; then the OOM is let happen and timed. About 8 s.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ForecastTests
{
    private const int RateMiB = 20;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public ForecastTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task Rank_PacedGrower_ForecastsTheOomsTimeAndVictim()
    {
        using var cgroup = TestCgroup.Create(256L << 20, _output);
        string cpu = OomTrigger.Cpu();
        CgroupProcess large = cgroup.StartMemhog("--mib", "100", "--cpu", cpu);
        large.WaitForReady(s_timeout);
        CgroupProcess grower = cgroup.StartMemhog("--mib", "0", "--rate", RateMiB.ToString(CultureInfo.InvariantCulture), "--cpu", cpu);
        Thread.Sleep(1500);

        PardonResult rank = await PardonRunner.RunAsync(["rank", "--cgroup", cgroup.Path, "--json", "--forecast-interval", "1s"]);
        var sinceForecast = Stopwatch.StartNew();
        string context = $"large {large.Pid}, grower {grower.Pid}\n{rank}";
        Assert.True(rank.ExitCode == 0, context);
        using JsonDocument json = JsonDocument.Parse(rank.Stdout);
        JsonElement root = json.RootElement;
        Assert.True(root.GetProperty("kernel_victim").GetInt32() == large.Pid, "now the kernel would kill the large process\n" + context);
        JsonElement forecast = root.GetProperty("forecast");
        double rate = forecast.GetProperty("fill_kib_per_s").GetDouble();
        double predictedSeconds = forecast.GetProperty("seconds_to_oom").GetDouble();
        Assert.True(Math.Abs(rate - (RateMiB * 1024)) < RateMiB * 1024 * 0.25, $"the fill rate {rate} KiB/s is not the grower's {RateMiB} MiB/s\n{context}");
        Assert.True(forecast.GetProperty("kernel_victim").GetInt32() == grower.Pid, "at the OOM the grower is the larger\n" + context);

        long killsBefore = cgroup.ReadOomKillCount();
        while (cgroup.ReadOomKillCount() == killsBefore && sinceForecast.Elapsed < s_timeout)
        {
            await Task.Delay(5);
        }

        double actualSeconds = sinceForecast.Elapsed.TotalSeconds;
        List<int>? order = KernelLog.KilledInOrder([large.Pid, grower.Pid]);
        string outcome = $"forecast {predictedSeconds:0.00} s, the OOM came after {actualSeconds:0.00} s; killed: {(order is null ? "?" : string.Join(", ", order))}";
        _output.WriteLine(outcome + "; " + forecast.GetProperty("summary").GetString());
        Assert.True(order is { Count: > 0 } && order[0] == grower.Pid, "the kernel killed the grower, as forecast\n" + outcome + "\n" + context);

        // The forecast was made at the second reading, a moment before rank printed it: allow 1 s or 20 %.
        Assert.True(Math.Abs(actualSeconds - predictedSeconds) <= Math.Max(1.0, predictedSeconds * 0.2), outcome + "\n" + context);
    }
}
