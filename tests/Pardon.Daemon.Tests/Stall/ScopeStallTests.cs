// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Core;
using Pardon.Core.Stall;
using Pardon.Daemon.Events;
using Pardon.Daemon.Stall;
using Pardon.Linux.Cgroups;

namespace Pardon.Daemon.Tests.Stall;

/// <summary>A scope's stall criterion over a fixture cgroup whose memory.pressure and memory.stat the test writes.</summary>
public sealed class ScopeStallTests : IDisposable
{
    private static readonly StallSettings Forty = new() { AbovePercent = 40, ForMs = 10_000 };
    private readonly string _root = Directory.CreateTempSubdirectory("pardon-stall-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private CgroupDirectory V2Group()
    {
        File.WriteAllText(Path.Combine(_root, "cgroup.procs"), "");
        File.WriteAllText(Path.Combine(_root, "cgroup.controllers"), "memory");
        string dir = Directory.CreateDirectory(Path.Combine(_root, "a")).FullName;
        File.WriteAllText(Path.Combine(dir, "cgroup.procs"), "");
        File.WriteAllText(Path.Combine(dir, "memory.max"), "268435456\n");
        WritePressure(dir, 0);
        WriteStat(dir, 0, 0, 0);
        return CgroupDirectory.Open(dir);
    }

    private static void WritePressure(string dir, long fullUs) =>
        File.WriteAllText(Path.Combine(dir, "memory.pressure"), string.Create(CultureInfo.InvariantCulture,
            $"some avg10=50.00 avg60=20.00 avg300=5.00 total={fullUs + 1000}\nfull avg10=45.50 avg60=18.00 avg300=4.00 total={fullUs}\n"));

    private static void WriteStat(string dir, long majorFaults, long refaultAnon, long refaultFile) =>
        File.WriteAllText(Path.Combine(dir, "memory.stat"), string.Create(CultureInfo.InvariantCulture,
            $"anon 1000\npgmajfault {majorFaults}\nworkingset_refault_anon {refaultAnon}\nworkingset_refault_file {refaultFile}\n"));

    [Fact]
    public void A_sustained_stall_meets_the_criterion_and_explains_itself()
    {
        CgroupDirectory group = V2Group();
        using ScopeStall stall = ScopeStall.Create(Forty, group, armTrigger: false);
        Assert.Null(stall.Warning);
        Assert.Equal(group.FilePath("memory.pressure"), stall.Source?.Path);

        // Quiet for 5 s, then 60 % stalled, read every 500 ms.
        long total = 0;
        for (long t = 0; t <= 5_000; t += 500)
        {
            Assert.True(stall.Observe(t));
        }

        Assert.Equal(StallPhase.Quiet, stall.Phase);
        for (long t = 5_500; stall.Phase != StallPhase.Met; t += 500)
        {
            Assert.True(t <= 16_000, "never met");
            total += 300_000;
            WritePressure(group.Path, total);
            WriteStat(group.Path, t * 10, t * 9, t / 2);
            Assert.True(stall.Observe(t));
            if (t == 5_500)
            {
                Assert.Equal(StallPhase.Building, stall.Phase);
                Assert.Equal(6_000, stall.NextReadingMs);
            }
        }

        Assert.Equal(45.5, stall.Sample.FullAvg10);
        DaemonEvent pressure = stall.PressureEvent(stall.Reading.AtMs, cooldown: false);
        Assert.Equal("pressure", pressure.Event);
        Assert.Equal("stall", pressure.Trigger);
        Assert.Equal(40, pressure.StallAbovePercent);
        Assert.Equal(10_000, pressure.StallWindowMs);
        Assert.Null(pressure.Cooldown);
        Assert.StartsWith("memory stalled 5", pressure.Message, StringComparison.Ordinal);
        Assert.Contains("; the scope: 10k major faults/s, refaults 9.5k/s (95 % anon: swap)", pressure.Message, StringComparison.Ordinal);

        var culprit = new ProcessFacts { Pid = 4242, Comm = "thrasher" };
        culprit.Faults.Record(0, 0, 1000, 10_000, 10_000);
        culprit.Faults.Record(8_000, 328_000, 1000, 10_000, 10_000);
        FaultRates rates = culprit.Faults.Rates(10_000);
        Assert.EndsWith("; pid 4242 (thrasher): 41k major faults/s, 39.1 MiB in swap", stall.Reason(culprit, rates, 4096), StringComparison.Ordinal);
        StallKillFields fields = stall.KillFields(rates, 4096);
        Assert.Equal(41_000, fields.MajorFaultsPerSecond);
        Assert.Equal(40_000, fields.SwapKiB);

        stall.Tracker.KillSent(stall.Reading.AtMs);
        Assert.Equal(StallPhase.Cooldown, stall.Phase);
        Assert.True(stall.PressureEvent(stall.Reading.AtMs, cooldown: true).Message!.Contains("cooldown", StringComparison.Ordinal));
    }

    [Fact]
    public void Off_needs_no_source()
    {
        using ScopeStall stall = ScopeStall.Create(StallSettings.Off, null);
        Assert.Null(stall.Warning);
        Assert.Null(stall.Source);
        Assert.False(stall.Observe(1));
        Assert.Equal(StallPhase.Off, stall.Phase);
        Assert.Equal(-1, stall.TriggerFd);
    }

    [Fact]
    public void No_source_is_a_warning_and_the_criterion_is_off_for_the_scope()
    {
        CgroupDirectory group = V2Group();
        File.Delete(group.FilePath("memory.pressure"));
        using ScopeStall stall = ScopeStall.Create(StallSettings.Default, group, armTrigger: false);
        Assert.False(stall.Settings.Enabled);
        Assert.True(stall.Configured.Enabled);
        Assert.StartsWith("no memory stall (PSI) for this scope: ", stall.Warning, StringComparison.Ordinal);
        Assert.Contains("memory.pressure does not exist", stall.Warning, StringComparison.Ordinal);
        Assert.False(stall.Observe(1));
        Assert.Equal(StallPhase.Off, stall.Phase);
    }

    [Fact]
    public void The_system_scope_on_this_kernel_has_a_source_and_a_trigger()
    {
        using ScopeStall stall = ScopeStall.Create(StallSettings.Default, null);
        Assert.True(stall.Warning is null, stall.Warning);
        Assert.True(stall.TriggerFd >= 0);
        Assert.True(stall.Observe(Linux.Io.Clock.BootTimeMs()));
        Assert.True(stall.Sample.SomeTotalUs > 0);
    }
}
