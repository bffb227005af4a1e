// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Cli.Commands;
using Pardon.Core;
using Pardon.Daemon.Reports;

namespace Pardon.Cli.Tests;

/// <summary>`rank` and `top` say where each process runs on a container host, and look as before elsewhere.</summary>
public sealed class ContainerTableTests
{
    private static ProcessReport Process(int pid, string comm, string? container = null, string? qos = null, string? pod = null, string? unit = null, string? runtime = null)
        => new()
        {
            Pid = pid,
            Comm = comm,
            Uid = 0,
            User = "root",
            RssKiB = 1024,
            OomScore = 700,
            Eligible = true,
            KernelEligible = true,
            Score = 100,
            Tier = "normal",
            Unit = "process",
            Reasons = [],
            Container = container,
            Qos = qos,
            Pod = pod,
            SystemdUnit = unit,
            Runtime = runtime,
        };

    private static RankReport Report(params ProcessReport[] processes) => new()
    {
        Scope = new ScopeReport { Kind = "system", TotalPages = 4096, PageSize = 4096 },
        KernelVictim = processes[0].Pid,
        Victim = processes[0].Pid,
        Processes = [.. processes],
    };

    [Fact]
    public void Rank_ContainerHost_AWhereColumn()
    {
        var output = new StringWriter();
        RankTable.Write(output, Report(
            Process(10, "besteffort", container: "aaaaaaaaaaaa", qos: "BestEffort", pod: "0a1b2c3d-4e5f-6789-abcd-ef0123456789", runtime: "containerd"),
            Process(11, "web", container: "bbbbbbbbbbbb", runtime: "docker", unit: "docker-bbbb.scope"),
            Process(12, "nginx", unit: "nginx.service"),
            Process(13, "pause", pod: "1a1b2c3d-4e5f-6789-abcd-ef0123456789", qos: "Guaranteed")), null);
        string[] lines = output.ToString().Split('\n');

        string header = lines.Single(l => l.Contains("OOM_SCORE", StringComparison.Ordinal));
        Assert.Contains("WHERE", header, StringComparison.Ordinal);
        Assert.True(header.IndexOf("WHERE", StringComparison.Ordinal) < header.IndexOf("NOTES", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("besteffort", StringComparison.Ordinal) && l.Contains("BestEffort aaaaaaaaaaaa", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("web", StringComparison.Ordinal) && l.Contains("docker bbbbbbbbbbbb", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("nginx", StringComparison.Ordinal) && l.Contains("nginx.service", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("pause", StringComparison.Ordinal) && l.Contains("pod 1a1b2c3d Guaranteed", StringComparison.Ordinal));
    }

    [Fact]
    public void Rank_NoContainers_NoWhereColumn()
    {
        var output = new StringWriter();
        RankTable.Write(output, Report(Process(12, "nginx", unit: "nginx.service")), null);
        Assert.DoesNotContain("WHERE", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Top_NotesSayWhere()
    {
        var snapshot = new TopSnapshot
        {
            Report = Report(Process(10, "besteffort", container: "aaaaaaaaaaaa", qos: "BestEffort")),
            Thresholds = new Thresholds(MemoryLevel.FromPercent(10), MemoryLevel.FromPercent(5), MemoryLevel.FromPercent(10), MemoryLevel.FromPercent(5)),
            Levels = null,
            Pressure = PressureLevel.None,
            DaemonNote = null,
            Time = new DateTime(2026, 1, 1, 12, 0, 0),
            Interval = TimeSpan.FromSeconds(1),
        };

        List<string> lines = TopFrame.Render(snapshot, width: 0, height: 0, color: false);
        Assert.Contains(lines, l => l.Contains("besteffort", StringComparison.Ordinal) && l.Contains("BestEffort aaaaaaaaaaaa", StringComparison.Ordinal));
    }
}
