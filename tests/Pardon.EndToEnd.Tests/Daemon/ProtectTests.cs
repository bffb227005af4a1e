// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// A `protect` rule spares a process even when it is the largest (and the kernel's own choice): the
/// smaller process growing beside it dies instead. The protected one is a copy of memhog under a name of
/// its own, matched by an `exe` glob, since the rule matches the verified executable path.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ProtectTests : IDisposable
{
    private const int LimitMiB = 256;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;
    private readonly string _binDir = Directory.CreateTempSubdirectory("pardon-e2e-protect-").FullName;

    public ProtectTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose() => Directory.Delete(_binDir, recursive: true);

    [MemoryCgroupFact]
    public void Daemon_ProtectedLargestProcess_SurvivesAndTheGrowerDies()
    {
        string protectedExe = Path.Combine(_binDir, "protected-hog");
        File.Copy(Memhog.Path, protectedExe);
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using var daemon = DaemonProcess.Start(cgroup, _output, $$"""
            "protect": [ { "exe": {{DaemonProcess.JsonString(Path.Combine(_binDir, "protected-*"))}} } ]
            """);

        // Young, so all of its 140 MiB count as growth too: without the rule it would be the clear victim.
        CgroupProcess guarded = cgroup.Start(protectedExe, "--mib", "140");
        guarded.WaitForReady(s_timeout);
        CgroupProcess grower = cgroup.StartMemhog("--mib", "200");

        daemon.WaitForEvent(e => EventsFile.Name(e) == "victim_exited", s_timeout, "victim_exited");
        Assert.True(grower.WaitForExit(TimeSpan.FromSeconds(10)), $"the grower still runs after victim_exited; {grower.Describe()}");
        Thread.Sleep(500);
        long oomKills = cgroup.ReadOomKillCount();
        bool guardedAlive = !guarded.HasExited;
        List<JsonElement> events = daemon.Stop();
        string context = $"protected {guarded.Pid}: {guarded.Describe()}\ngrower {grower.Pid}: {grower.Describe()}\n{daemon.Describe()}";

        Assert.True(oomKills == 0, $"the kernel's OOM killer fired {oomKills} time(s)\n{context}");
        Assert.True(guardedAlive, $"the protected process died\n{context}");
        List<JsonElement> kills = events.Named("kill");
        Assert.True(kills.Count >= 1 && kills.All(k => k.Pid() == grower.Pid), $"every kill must be the grower's\n{context}");
        Assert.True(kills.Count(k => !k.Flag("escalated")) == 1, $"one victim only\n{context}");
        Assert.True(grower.Signal is 15 or 9, $"the grower did not die of the daemon's signal\n{context}");

        JsonElement kill = kills[0];
        _output.WriteLine(kill.GetRawText());
        Assert.True(kill.Long("kernel_victim") == guarded.Pid, $"the kernel would have chosen the protected (largest) process\n{context}");
        List<JsonElement> listed = [.. kill.GetProperty("candidates").EnumerateArray().Where(c => c.GetProperty("pid").GetInt32() == guarded.Pid)];
        Assert.True(listed.Count == 1, $"the protected process is missing from the candidates\n{context}");
        JsonElement candidate = listed[0];
        Assert.True(candidate.Text("tier") == "protected", $"the protected process is listed as \"{candidate.Text("tier")}\"\n{context}");
        Assert.True(candidate.GetProperty("reasons").EnumerateArray().Any(r => r.GetString()!.StartsWith("protected by protect[0]", StringComparison.Ordinal)),
            $"the candidate's reasons do not name the rule\n{context}");

        // Its own score is the higher one: the rule, not the arithmetic, spared it.
        Assert.True(candidate.Long("score") > kill.Long("score"), $"the protected process would not have been chosen anyway\n{context}");
    }
}
