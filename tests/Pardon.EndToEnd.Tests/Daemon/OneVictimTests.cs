// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// One shortage, one victim: a large hog holds its memory and a fast one grows past the terminate level.
/// Killing either one ends the shortage (together they stop short of the kill level), so exactly one dies
/// and the other — whichever the daemon spared — keeps running.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class OneVictimTests
{
    private const int LimitMiB = 256;

    // 150 + 85 MiB (+ ~2 MiB of their own) leave ~19 MiB: past the terminate level, short of the kill level.
    private const string HolderMiB = "150";
    private const string GrowerMiB = "85";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public OneVictimTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public void Daemon_TwoHogsOneShortage_KillsExactlyOne()
    {
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using var daemon = DaemonProcess.Start(cgroup, _output);
        CgroupProcess holder = cgroup.StartMemhog("--mib", HolderMiB);
        holder.WaitForReady(s_timeout);
        CgroupProcess grower = cgroup.StartMemhog("--mib", GrowerMiB);

        JsonElement exited = daemon.WaitForEvent(e => EventsFile.Name(e) == "victim_exited", s_timeout, "victim_exited");
        CgroupProcess victim = exited.Pid() == holder.Pid ? holder : grower;
        CgroupProcess survivor = ReferenceEquals(victim, holder) ? grower : holder;
        Assert.True(victim.WaitForExit(TimeSpan.FromSeconds(10)), $"{victim.Pid} still runs after victim_exited; {victim.Describe()}");

        // The survivor completes its allocation, and a second kill would have had time to happen.
        survivor.WaitForReady(s_timeout);
        Thread.Sleep(1000);
        long oomKills = cgroup.ReadOomKillCount();
        bool survivorAlive = !survivor.HasExited;
        List<JsonElement> events = daemon.Stop();
        string context = $"holder {holder.Pid}: {holder.Describe()}\ngrower {grower.Pid}: {grower.Describe()}\n{daemon.Describe()}";

        Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s)\n{context}");
        Assert.True(exited.Pid() == holder.Pid || exited.Pid() == grower.Pid, $"victim_exited names a stranger\n{context}");
        Assert.True(events.Named("kill").Count == 1 && events.Named("kill")[0].Pid() == victim.Pid, $"expected exactly one kill event, for {victim.Pid}\n{context}");
        Assert.True(events.Named("victim_exited").Count == 1, $"expected exactly one victim_exited\n{context}");
        Assert.True(events.Named("pressure").Count == 1, $"one shortage, one pressure event\n{context}");
        Assert.True(survivorAlive, $"the other hog, {survivor.Pid}, died too\n{context}");
        Assert.True(victim.Signal is 15 or 9, $"the victim did not die of the daemon's signal\n{context}");
        _output.WriteLine($"victim {victim.Pid} ({(ReferenceEquals(victim, holder) ? "the holder" : "the grower")}); {survivor.Pid} survived");
    }
}
