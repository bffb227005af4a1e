// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.Versioning;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Pardons;

/// <summary>
/// `pardon run -- COMMAND`, run by uid 65534 inside the test cgroup: an allowed COMMAND is pardoned while it runs
/// (it is in `pardon list`), the pardon ends with it, and `pardon run` exits with COMMAND's own status; a COMMAND
/// the daemon refuses runs anyway, with a warning on stderr, and its exit status is still the one returned.
/// </summary>
[Collection(EndToEndCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class PardonRunTests
{
    private const int LimitMiB = 128;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly ITestOutputHelper _output;

    public PardonRunTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task Run_AllowedCommand_IsPardonedWhileItRunsAndExitsWithItsStatus()
    {
        using var sandbox = PardonSandbox.Create(_output);
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);
        CgroupProcess run = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.Cli,
            "run", "--socket", sandbox.SocketPath, "--", sandbox.AllowedMemhog, "--mib", "20");

        // memhog writes to the standard output it inherits from `pardon run`.
        int hog = PardonJson.StartedPid(run.WaitForLine("started ", s_timeout));
        run.WaitForLine("ready ", s_timeout);
        JsonElement grant = daemon.WaitForEvent("pardon_granted", hog, TimeSpan.FromSeconds(30));
        string context = $"pardon run {run.Pid}, memhog {hog}\n{grant}";
        Assert.True(grant.Long("uid") == PardonSandbox.User && grant.Long("requester_uid") == PardonSandbox.User && grant.Long("requester_pid") == run.Pid,
            $"the pardon is for COMMAND, asked by `pardon run` as uid 65534\n{context}");

        JsonElement list = await sandbox.ListAsync();
        JsonElement pardon = PardonJson.Pardon(list, hog) ?? throw new InvalidDataException($"COMMAND {hog} is not in pardon list while it runs\n{list}\n{context}");
        Assert.True(pardon.GetProperty("exe").GetString() == sandbox.AllowedMemhog && pardon.GetProperty("rule").GetString() == "pardon.allow[0]", pardon.ToString());
        Assert.Equal($"pardon run {sandbox.AllowedMemhog} --mib 20", pardon.GetProperty("reason").GetString());
        Assert.True(!run.HasExited && run.StandardError.Count == 0, $"`pardon run` keeps waiting, silently\n{run.Describe()}");

        // COMMAND ends (SIGTERM, by pid, while it is still a member of the cgroup); `pardon run` returns its status.
        Assert.True(Native.Signal(hog, Native.SIGTERM, () => cgroup.ReadPids().Contains(hog)), $"memhog {hog} was gone before the test ended it");
        Assert.True(run.WaitForExit(TimeSpan.FromSeconds(30)), $"`pardon run` did not exit after its command; {run.Describe()}");
        Assert.True(run.ExitCode == 128 + Native.SIGTERM, $"`pardon run` must exit with the status of a command killed by SIGTERM (143); {run.Describe()}");

        // The pardon ended with the command: released by `pardon run` (or, had the daemon's scan come first, on its exit).
        JsonElement ended = daemon.WaitForEvent("pardon_released", hog, TimeSpan.FromSeconds(10));
        Assert.True(ended.Text("code") is "released" or "exited", ended.ToString());
        JsonElement after = await sandbox.ListAsync();
        Assert.True(PardonJson.Pardons(after).Count == 0, $"no pardon may outlive its command\n{after}");
        List<JsonElement> events = daemon.Stop();
        Assert.True(events.Named("pardon_released").Count == 1 && events.Named("pardon_revoked").Count == 0, daemon.Describe());
    }

    [MemoryCgroupFact]
    public void Run_DeniedCommand_RunsAnywayAndExitsWithItsStatus()
    {
        using var sandbox = PardonSandbox.Create(_output);
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);

        // /bin/sh is not in pardon.allow. It sleeps long enough to be checked while it lives (not no_such_process).
        CgroupProcess run = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.Cli,
            "run", "--socket", sandbox.SocketPath, "--", "/bin/sh", "-c", "sleep 3; exit 7");
        Assert.True(run.WaitForExit(s_timeout), $"`pardon run` did not finish; {run.Describe()}");
        Assert.True(run.ExitCode == 7, $"`pardon run` must exit with its command's status, 7; {run.Describe()}");
        string stderr = string.Join('\n', run.StandardError);
        Assert.True(stderr.StartsWith("pardon: warning: /bin/sh runs without a pardon: denied: ", StringComparison.Ordinal) &&
            stderr.Contains("is not an allowed executable", StringComparison.Ordinal),
            $"a denied command runs anyway, with one warning saying why; {run.Describe()}");
        Assert.True(run.StandardError.Count == 1, run.Describe());

        List<JsonElement> events = daemon.Stop();
        List<JsonElement> denied = events.Named("pardon_denied");
        Assert.True(denied.Count == 1 && denied[0].Text("code") == "exe_not_allowed" && denied[0].Long("requester_uid") == PardonSandbox.User &&
            denied[0].Long("requester_pid") == run.Pid, $"one pardon_denied (exe_not_allowed) for the command\n{daemon.Describe()}");
        Assert.Empty(events.Named("pardon_granted"));
        _output.WriteLine($"denied: {denied[0].Text("message")}");
    }
}
