// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// Many scopes in one daemon, on the real kernel: a glob over container-like memory cgroups made (and
/// removed) while the daemon runs, and two scopes in trouble at once — a kill in one never waits for the
/// other. Every cgroup lives under one test cgroup of 512 MiB, each with its own smaller limit.
/// About 30 s together.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ScopesTests
{
    private const long ParentLimit = 512L << 20;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public ScopesTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>
    /// A daemon watching `parent/*` with no match at start; a container cgroup made later holds a large,
    /// stable "database" and a job that grows: the cgroup is picked up within a second (`scope_added`), the
    /// job is stopped before the kernel's memcg OOM fires (which would have chosen the database, the largest),
    /// events name the scope, and removing the cgroup ends its scope (`scope_removed`).
    /// </summary>
    [MemoryCgroupFact]
    public void Glob_CgroupMadeLater_IsWatched_JobStoppedBeforeTheKernelKillsTheDatabase_ThenRemoved()
    {
        const int WindowSeconds = 3;
        using var parent = TestCgroup.Create(ParentLimit, _output);
        string pattern = parent.Path + "/*";
        using var daemon = DaemonProcess.StartWith(["--cgroup", pattern], _output, $$"""
            "growth": { "window": "{{WindowSeconds}}s" }
            """);
        JsonElement start = daemon.ReadEvents().Named("start")[0];
        Assert.True(start.TryGetProperty("scopes", out JsonElement scopes) && scopes.EnumerateArray().Any(s => s.GetString() == pattern),
            $"the start event does not list the pattern: {start.GetRawText()}");
        Assert.True(start.Text("scope") is null, $"nothing matched at start, yet the start event names a scope: {start.GetRawText()}");

        DateTimeOffset made = DateTimeOffset.UtcNow;
        using TestCgroup container = parent.CreateChild("ctr-db", 256L << 20);
        JsonElement added = daemon.WaitForEvent(e => EventsFile.Name(e) == "scope_added" && e.Text("scope") == container.Path, s_timeout, "scope_added for the new cgroup");
        double pickedUpMs = (DateTimeOffset.Parse(added.Text("ts")!, CultureInfo.InvariantCulture) - made).TotalMilliseconds;
        _output.WriteLine($"scope_added {pickedUpMs:0} ms after mkdir: {added.GetRawText()}");
        Assert.True(pickedUpMs <= 1000, $"the new cgroup was picked up {pickedUpMs:0} ms after it was made (promised: within a second)\n{daemon.Describe()}");
        Assert.True(added.Text("pattern") == pattern && added.Long("total_kib") == 256L * 1024, $"scope_added: pattern and the cgroup's own limit\n{added.GetRawText()}");

        // The database: 140 MiB, stable for longer than the growth window. The job then grows at 40 MiB/s.
        CgroupProcess database = container.StartMemhog("--mib", "140");
        database.WaitForReady(s_timeout);
        Thread.Sleep(TimeSpan.FromSeconds(2 * WindowSeconds));
        CgroupProcess job = container.StartMemhog("--mib", "0", "--rate", "40");
        JsonElement kill = daemon.WaitForEvent(e => EventsFile.Name(e) == "kill", s_timeout, "the kill");
        Assert.True(job.WaitForExit(TimeSpan.FromSeconds(10)), $"the job did not exit\n{daemon.Describe()}");
        Thread.Sleep(300);
        long oomKills = container.ReadOomKillCount();
        bool databaseAlive = !database.HasExited;
        string context = $"database {database.Pid}: {database.Describe()}\njob {job.Pid}: {job.Describe()}\n{daemon.Describe()}";

        Assert.True(oomKills == 0, $"the kernel's memcg OOM killer fired {oomKills} time(s)\n{context}");
        Assert.True(databaseAlive, $"the database died\n{context}");
        Assert.True(kill.Pid() == job.Pid && kill.Text("scope") == container.Path, $"the kill chose {kill.Pid()} in {kill.Text("scope")}, not the job in {container.Path}\n{context}");
        Assert.True(kill.Long("kernel_victim") == database.Pid, $"the kernel would have killed the database {database.Pid} (the largest), the event says {kill.Long("kernel_victim")}\n{context}");
        JsonElement exited = daemon.WaitForEvent("victim_exited", job.Pid, s_timeout);
        Assert.True(exited.Text("scope") == container.Path, $"victim_exited names the scope\n{exited.GetRawText()}");
        Assert.True(daemon.ReadEvents().Named("pressure").All(p => p.Text("scope") == container.Path), $"pressure events name the scope\n{context}");

        // Removing the cgroup ends its scope.
        database.Kill();
        Assert.True(database.WaitForExit(TimeSpan.FromSeconds(10)), $"the database did not exit after SIGKILL\n{context}");
        container.Dispose();
        JsonElement removed = daemon.WaitForEvent(e => EventsFile.Name(e) == "scope_removed" && e.Text("scope") == container.Path, TimeSpan.FromSeconds(5), "scope_removed");
        _output.WriteLine(removed.GetRawText());
        List<JsonElement> events = daemon.Stop();
        Assert.True(events.Named("warning").All(w => w.Text("code") is not ("scope_error" or "scan_failed" or "registry")), $"no engine failures\n{daemon.Describe()}");
    }

    /// <summary>
    /// A scope removed while its victim is being followed (the victim moved out, as a container runtime may do,
    /// and the cgroup removed during the victim's SIGTERM grace): the scope ends cleanly, nothing more is sent
    /// to the victim from the ended scope, and the daemon goes on watching (a cgroup made next is picked up).
    /// </summary>
    [MemoryCgroupFact]
    public void ScopeRemovedMidKill_EndsCleanly_AndTheDaemonGoesOn()
    {
        using var parent = TestCgroup.Create(ParentLimit, _output);
        using var daemon = DaemonProcess.StartWith(["--cgroup", parent.Path + "/*"], _output, """
            "kill": { "grace": "3s" }
            """);
        using TestCgroup doomed = parent.CreateChild("doomed", 128L << 20);
        daemon.WaitForEvent(e => EventsFile.Name(e) == "scope_added" && e.Text("scope") == doomed.Path, s_timeout, "scope_added");
        CgroupProcess stubborn = doomed.StartMemhog("--mib", "118", "--ignore-term");
        daemon.WaitForEvent("kill", stubborn.Pid, s_timeout);

        // Out of the cgroup, then the cgroup removed, well within the victim's 3 s grace.
        parent.WriteControl("cgroup.procs", stubborn.Pid.ToString(CultureInfo.InvariantCulture));
        Directory.Delete(doomed.Path);
        daemon.WaitForEvent(e => EventsFile.Name(e) == "scope_removed" && e.Text("scope") == doomed.Path, TimeSpan.FromSeconds(5), "scope_removed");
        using TestCgroup next = parent.CreateChild("next", 64L << 20);
        daemon.WaitForEvent(e => EventsFile.Name(e) == "scope_added" && e.Text("scope") == next.Path, s_timeout, "scope_added after the removal");
        Thread.Sleep(TimeSpan.FromSeconds(3.5)); // past the ended scope's grace
        bool alive = !stubborn.HasExited;
        List<JsonElement> events = daemon.Stop();
        string context = $"stubborn {stubborn.Pid}: {stubborn.Describe()}\n{daemon.Describe()}";

        Assert.True(alive, $"the victim of the ended scope died (it had only SIGTERM, which it ignores)\n{context}");
        Assert.DoesNotContain(events, e => EventsFile.Name(e) == "kill" && e.Flag("escalated"));
        Assert.True(events.Named("warning").All(w => w.Text("code") is not ("scope_error" or "scan_failed" or "registry")), $"no engine failures\n{context}");
    }

    /// <summary>
    /// Two scopes in trouble at once: a victim in the first ignores SIGTERM (its 3 s grace runs) while a fast
    /// allocator fills the second — the second's victim is killed within the usual reaction, long before the
    /// first's grace ends, and the kernel's OOM killer fires in neither.
    /// </summary>
    [MemoryCgroupFact]
    public void TwoScopes_AGraceInOneNeverDelaysAKillInTheOther()
    {
        using var parent = TestCgroup.Create(ParentLimit, _output);
        using var daemon = DaemonProcess.StartWith(["--cgroup", parent.Path + "/*"], _output, """
            "kill": { "grace": "3s" }
            """);
        using TestCgroup one = parent.CreateChild("one", 128L << 20);
        using TestCgroup two = parent.CreateChild("two", 128L << 20);
        foreach (TestCgroup c in (TestCgroup[])[one, two])
        {
            daemon.WaitForEvent(e => EventsFile.Name(e) == "scope_added" && e.Text("scope") == c.Path, s_timeout, $"scope_added for {c.Path}");
        }

        // 118 of 128 MiB: below the terminate level (12.8 MiB available), above the kill level (6.4 MiB).
        CgroupProcess stubborn = one.StartMemhog("--mib", "118", "--ignore-term");
        JsonElement term = daemon.WaitForEvent("kill", stubborn.Pid, s_timeout);
        Assert.True(term.Text("signal") == "SIGTERM" && term.Text("scope") == one.Path, $"the first scope's victim gets SIGTERM first\n{daemon.Describe()}");
        var sinceTerm = Stopwatch.StartNew();

        CgroupProcess hog = two.StartMemhog("--mib", "512");
        JsonElement hogExited = daemon.WaitForEvent("victim_exited", hog.Pid, s_timeout);
        double hogDoneAfterTermMs = sinceTerm.Elapsed.TotalMilliseconds;
        JsonElement escalation = daemon.WaitForEvent(e => EventsFile.Name(e) == "kill" && e.Pid() == stubborn.Pid && e.Flag("escalated"), s_timeout, "the SIGKILL after the grace");
        daemon.WaitForEvent("victim_exited", stubborn.Pid, s_timeout);
        long oomOne = one.ReadOomKillCount();
        long oomTwo = two.ReadOomKillCount();
        List<JsonElement> events = daemon.Stop();
        string context = $"stubborn {stubborn.Pid}: {stubborn.Describe()}\nhog {hog.Pid}: {hog.Describe()}\n{daemon.Describe()}";

        JsonElement hogKill = events.Single(e => EventsFile.Name(e) == "kill" && e.Pid() == hog.Pid);
        _output.WriteLine($"hog: decision {hogKill.Double("decision_ms")} ms, latency {hogExited.Double("latency_ms")} ms, done {hogDoneAfterTermMs:0} ms after the first scope's SIGTERM");
        Assert.True(oomOne == 0 && oomTwo == 0, $"the kernel's OOM killer fired ({oomOne} in one, {oomTwo} in two)\n{context}");
        Assert.True(hogKill.Text("scope") == two.Path && hogExited.Text("scope") == two.Path, $"the hog's events name its scope\n{context}");
        int hogExitAt = events.FindIndex(e => EventsFile.Name(e) == "victim_exited" && e.Pid() == hog.Pid);
        int escalationAt = events.FindIndex(e => EventsFile.Name(e) == "kill" && e.Pid() == stubborn.Pid && e.Flag("escalated"));
        Assert.True(hogExitAt < escalationAt, $"the second scope's victim exited only after the first scope's grace ended\n{context}");
        Assert.True(hogExited.Double("latency_ms") < 1000, $"the second scope's reaction took {hogExited.Double("latency_ms")} ms\n{context}");
        Assert.True(escalation.Text("scope") == one.Path && stubborn.Signal == 9, $"the stubborn victim died of the SIGKILL after its grace\n{context}");
    }
}
