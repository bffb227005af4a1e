// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Stall;

/// <summary>
/// Memory stalls (PSI) on the real kernel: a thrasher cycles a working set larger than its cgroup's limit —
/// through a swap file, or through its mapped executable pages without swap — next to a stable bystander. The
/// cgroup freezes (the test measures it from the v2 twin's memory.pressure) while its available memory and
/// swap look fine, so only the stall criterion can end it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StallTests
{
    private const int LimitMiB = 256;
    private const int SwapMiB = 1024;
    private const int WorkingSetMiB = 400;
    private const int BystanderMiB = 32;
    private readonly ITestOutputHelper _output;

    public StallTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>
    /// The scenario is real: with the criterion off, the daemon (levels only) leaves the thrasher alone and the
    /// cgroup stays stalled — more than 40 % "full" over the 10 s after the thrash began. (~16 s)
    /// </summary>
    [MemoryCgroupFact]
    public void CriterionOff_TheStallPersists_AndNothingIsKilled()
    {
        using StallScene scene = StallScene.Create(LimitMiB, SwapMiB, _output);
        using var daemon = DaemonProcess.Start(scene.Cgroup, _output, null, "--stall-above", "off");
        CgroupProcess bystander = scene.StartBystander(BystanderMiB);
        CgroupProcess thrasher = scene.StartThrasher("--mib", WorkingSetMiB.ToString(CultureInfo.InvariantCulture));

        DateTimeOffset began = WaitForStall(scene, thrasher, TimeSpan.FromSeconds(20));
        Thread.Sleep(began.AddSeconds(12) - DateTimeOffset.UtcNow);
        double share = scene.Probe.FullPercent(began.AddSeconds(2), began.AddSeconds(12));
        long oomKills = scene.Cgroup.ReadOomKillCount();
        List<JsonElement> events = daemon.Stop();
        string context = $"{scene.Probe.Describe()}\nthrasher {thrasher.Describe()}\nbystander {bystander.Describe()}\n{daemon.Describe()}";

        Assert.True(share > 40, $"the thrash stalled the cgroup only {share:0} % of 10 s: not the freeze this test needs\n{context}");
        Assert.False(thrasher.HasExited, $"the thrasher died\n{context}");
        Assert.False(bystander.HasExited, $"the bystander died\n{context}");
        Assert.Empty(events.Named("kill"));
        Assert.True(oomKills == 0, $"the kernel's OOM killer fired\n{context}");
        _output.WriteLine($"stalled {share:0} % \"full\" over 10 s with the criterion off; nothing killed");
    }

    /// <summary>Waits for the thrasher's stall to show in the twin's PSI and returns when it began.</summary>
    private static DateTimeOffset WaitForStall(StallScene scene, CgroupProcess thrasher, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (scene.Probe.FirstAbove(20) is DateTimeOffset began)
            {
                return began;
            }

            if (clock.Elapsed > timeout || thrasher.HasExited)
            {
                throw new TimeoutException($"no stall within {timeout.TotalSeconds:0} s: {scene.Probe.Describe()}; thrasher {thrasher.Describe()}");
            }

            Thread.Sleep(100);
        }
    }
}
