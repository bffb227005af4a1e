// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;
using Pardon.Core.Stall;
using Pardon.Linux.Cgroups;
using Pardon.Linux.Pressure;

namespace Pardon.Daemon.Reports;

/// <summary>
/// A scope's memory stall as a one-shot report (`pardon rank`) sees it: the kernel's running averages of the
/// criterion's PSI line and the criterion itself. The share over the criterion's window needs readings over
/// time — the daemon's (`pardon status`) or `pardon top`'s.
/// </summary>
public sealed class StallReport
{
    /// <summary>"full" or "some".</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>The criterion's share (percent); null when it is off.</summary>
    [JsonPropertyName("above_percent")]
    public double? AbovePercent { get; init; }

    [JsonPropertyName("window_ms")]
    public long WindowMs { get; init; }

    /// <summary>The kernel's 10 s and 60 s averages (percent); null without a PSI source.</summary>
    [JsonPropertyName("avg10")]
    public double? Avg10 { get; init; }

    [JsonPropertyName("avg60")]
    public double? Avg60 { get; init; }

    /// <summary>The PSI file read, or null.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; init; }

    /// <summary>Why there is no reading, or null.</summary>
    [JsonPropertyName("problem")]
    public string? Problem { get; init; }

    /// <summary>Reads the scope's PSI source once (<paramref name="cgroup"/> null: the system).</summary>
    public static StallReport Read(StallSettings settings, CgroupDirectory? cgroup, string procRoot = "/proc")
    {
        string problem;
        PressureSource? source = PressureSource.Resolve(cgroup, out problem, procRoot);
        PressureSample sample = default;
        bool read = false;
        if (source is not null)
        {
            using PressureFile? file = PressureFile.TryOpen(source.Path, out problem);
            read = file is not null && file.TryRead(out sample);
        }

        return new StallReport
        {
            Kind = settings.KindText,
            AbovePercent = settings.AbovePercent,
            WindowMs = settings.ForMs,
            Avg10 = read ? sample.Avg10(settings.Kind) : null,
            Avg60 = read ? sample.Avg60(settings.Kind) : null,
            Source = read ? source!.Path : null,
            Problem = read ? null : problem,
        };
    }
}
