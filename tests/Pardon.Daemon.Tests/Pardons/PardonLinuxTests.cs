// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Pardons;
using Pardon.Linux.Processes;
using Pardon.Linux.Security;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>The kernel-facing pieces of pardons: capabilities, oom_score_adj, verified process facts.</summary>
public sealed class PardonLinuxTests
{
    [Theory]
    [InlineData("Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t000001fffeffffff\nCapBnd:\t000001ffffffffff\n", 0x000001fffeffffffUL)]
    [InlineData("CapEff:\t0000000001000000", 0x1000000UL)]
    public void CapEff_IsParsed(string status, ulong mask)
    {
        Assert.True(Capabilities.TryParseCapEff(status, out ulong parsed));
        Assert.Equal(mask, parsed);
    }

    [Fact]
    public void CapEff_Missing_IsUnknown() => Assert.False(Capabilities.TryParseCapEff("Name:\tx\n", out _));

    [Fact]
    public void HasEffective_AgreesWithProcSelfStatus()
    {
        Assert.True(Capabilities.TryParseCapEff(File.ReadAllText("/proc/self/status"), out ulong mask));

        Assert.Equal((mask & (1UL << 24)) != 0, Capabilities.HasEffective(Capabilities.CapSysResource));
    }

    [Fact]
    public void OomScoreAdj_Lowering_NeedsCapSysResource_RaisingDoesNot()
    {
        using TestProcess child = TestProcess.Start();
        using PidFd pin = PidFd.TryOpen(child.Pid, child.StartTime, out _)!;

        int lower = OomScoreAdj.Write(pin, OomScoreAdj.Min);
        if (Capabilities.HasEffective(Capabilities.CapSysResource))
        {
            Assert.Equal(0, lower);
        }
        else
        {
            // The case on this project's machines: root without CAP_SYS_RESOURCE. A fact, reported as EACCES.
            Assert.Equal(OomScoreAdj.NotPermitted, lower);
            Assert.True(OomScoreAdj.TryRead(child.Pid, out short unchanged));
            Assert.Equal(0, unchanged);
        }

        Assert.Equal(0, OomScoreAdj.Write(pin, 500));
        Assert.True(OomScoreAdj.TryRead(child.Pid, out short raised));
        Assert.Equal(500, raised);
    }

    [Fact]
    public void OomScoreAdj_ExitedProcess_IsGone()
    {
        using TestProcess child = TestProcess.Start();
        using PidFd pin = PidFd.TryOpen(child.Pid, child.StartTime, out _)!;
        child.Kill();

        Assert.Equal(OomScoreAdj.Gone, OomScoreAdj.Write(pin, 100));
    }

    [Fact]
    public void OomScoreAdj_OutOfRange_IsRefusedBeforeTheKernel()
    {
        using TestProcess child = TestProcess.Start();
        using PidFd pin = PidFd.TryOpen(child.Pid, child.StartTime, out _)!;

        Assert.NotEqual(0, OomScoreAdj.Write(pin, 1001));
    }

    [RootFact]
    public void Inspect_ReadsOwnerExecutableAndIdentity()
    {
        using TestProcess child = TestProcess.Start(uid: TestProcess.Nobody);
        using PidFd pin = PidFd.TryOpen(child.Pid, child.StartTime, out _)!;

        Assert.True(ProcessInspector.TryInspect(pin, out PardonTarget target));

        Assert.Equal(child.Pid, target.Pid);
        Assert.Equal(child.StartTime, target.StartTime);
        Assert.Equal(TestProcess.Nobody, target.Uid);
        Assert.Equal("sleep", target.Comm);
        Assert.Equal("/usr/bin/sleep", target.Exe);
        Assert.Equal(ProcessInspector.IdentityOf("/usr/bin/sleep"), target.ExeIdentity);
        Assert.True(target.ExeIdentity.IsKnown);
        Assert.InRange(target.UsedKiB, 1, 1 << 20);
        Assert.False(target.IsKernelThread);
    }

    [Fact]
    public void Inspect_ExitedProcess_Fails()
    {
        using TestProcess child = TestProcess.Start();
        using PidFd pin = PidFd.TryOpen(child.Pid, child.StartTime, out _)!;
        child.Kill();

        Assert.False(ProcessInspector.TryInspect(pin, out _));
    }

    [Fact]
    public void Inspect_KernelThread_IsMarked()
    {
        // kthreadd is pid 2 wherever the kernel's threads are visible (not in a pid namespace).
        if (!File.Exists("/proc/2/stat") || !File.ReadAllText("/proc/2/stat").Contains("(kthreadd)", StringComparison.Ordinal))
        {
            return;
        }

        using PidFd? pin = PidFd.TryOpen(2, null, out _);
        Assert.NotNull(pin);
        Assert.True(ProcessInspector.TryInspect(pin, out PardonTarget target));
        Assert.True(target.IsKernelThread);
        Assert.Null(target.Exe);
    }

    [Fact]
    public void IdentityOf_MissingFile_IsUnknown() => Assert.False(ProcessInspector.IdentityOf("/nonexistent/pardon").IsKnown);

    [Fact]
    public void ReadUsedKiB_OfThisProcess()
    {
        Assert.True(ProcessInspector.TryReadUsedKiB(Environment.ProcessId, out long kib));
        Assert.InRange(kib, 1024, 64L << 20);
        Assert.False(ProcessInspector.TryReadUsedKiB(4_194_001, out _));
    }
}
