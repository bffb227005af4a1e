// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Pardons;

/// <summary>
/// What the daemon refuses an unprivileged user (uid 65534), with the real daemon and the real `pardon request`:
/// the allowed executable's bytes at another path (exe_not_allowed: identity is device and inode, not content
/// or name), another user's process and a root process (not_owner). Each refusal is exit code 3, a message on
/// stderr that says why, and a `pardon_denied` event with the code; the user's own allowed process, asked for
/// the same way, is granted.
/// </summary>
[Collection(EndToEndCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class PardonDenialTests
{
    private const int LimitMiB = 128;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly ITestOutputHelper _output;

    public PardonDenialTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task Request_CopiedExecutableOrAnotherUsersProcess_IsDeniedWithExitCode3AndAnEvent()
    {
        using var sandbox = PardonSandbox.Create(_output);
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);
        CgroupProcess copied = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.CopiedMemhog, "--mib", "1");
        CgroupProcess otherUsers = PardonSandbox.StartAs(cgroup, PardonSandbox.OtherUser, sandbox.AllowedMemhog, "--mib", "1");
        CgroupProcess roots = PardonSandbox.StartAs(cgroup, 0, sandbox.AllowedMemhog, "--mib", "1");
        CgroupProcess own = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.AllowedMemhog, "--mib", "1");
        foreach (CgroupProcess p in new[] { copied, otherUsers, roots, own })
        {
            p.WaitForReady(s_timeout);
        }

        await AssertDeniedAsync(sandbox, daemon, copied, 65534, "exe_not_allowed",
            $"denied: {sandbox.CopiedMemhog} (device ", "is not an allowed executable", $"pardon.allow lists {sandbox.AllowedMemhog} (device ",
            "a copy or renamed file does not match");
        await AssertDeniedAsync(sandbox, daemon, otherUsers, 65533, "not_owner",
            $"denied: process {otherUsers.Pid} (memhog) belongs to uid 65533, you are uid 65534", "only its owner (or root) may pardon a process");
        await AssertDeniedAsync(sandbox, daemon, roots, 0, "not_owner",
            $"denied: process {roots.Pid} (memhog) belongs to uid 0, you are uid 65534", "only its owner (or root) may pardon a process");

        // The control: the same user, the allowed path, its own process.
        PardonResult granted = await Request(sandbox, own);
        Assert.True(granted.ExitCode == 0, $"the user's own process running the allowed file must be granted\n{granted}");

        JsonElement list = await sandbox.ListAsync();
        List<int> pardoned = [.. PardonJson.Pardons(list).Select(p => p.GetProperty("pid").GetInt32())];
        Assert.True(pardoned.SequenceEqual([own.Pid]), $"only {own.Pid} may hold a pardon, found {string.Join(", ", pardoned)}\n{list}");

        List<JsonElement> events = daemon.Stop();
        Assert.True(events.Named("pardon_denied").Count == 3, $"expected three pardon_denied events\n{daemon.Describe()}");
        Assert.True(events.Named("pardon_granted").Select(e => e.Pid()).SequenceEqual([own.Pid]), daemon.Describe());
    }

    private static Task<PardonResult> Request(PardonSandbox sandbox, CgroupProcess target) =>
        sandbox.PardonAsync(PardonSandbox.User, "request", "--pid", target.Pid.ToString(CultureInfo.InvariantCulture), "--reason", "e2e");

    private static async Task AssertDeniedAsync(PardonSandbox sandbox, SandboxDaemon daemon, CgroupProcess target, int ownerUid, string code, params string[] says)
    {
        PardonResult result = await Request(sandbox, target);
        Assert.True(result.ExitCode == 3, $"a denial ({code}) must exit with 3\n{result}");
        Assert.True(result.Stdout.Length == 0, $"a denial prints nothing on stdout\n{result}");
        foreach (string part in says)
        {
            Assert.True(result.Stderr.Contains(part, StringComparison.Ordinal), $"stderr must say \"{part}\"\n{result}");
        }

        JsonElement denied = daemon.WaitForEvent(
            e => EventsFile.Name(e) == "pardon_denied" && e.Long("pid") == target.Pid, TimeSpan.FromSeconds(10), $"pardon_denied for {target.Pid}");
        string context = $"{denied}\n{result}";
        Assert.True(denied.Text("code") == code, $"the event's code must be {code}\n{context}");
        Assert.True(denied.Long("requester_uid") == PardonSandbox.User && denied.Long("uid") == ownerUid, $"the event names who asked and whose process\n{context}");
        Assert.True(denied.Text("message") is string m && result.Stderr.Contains(m, StringComparison.Ordinal), $"the event and stderr give the same reason\n{context}");
    }
}
