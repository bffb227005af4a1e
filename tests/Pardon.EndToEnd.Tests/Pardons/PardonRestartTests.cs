// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Pardons;

/// <summary>
/// Pardons outlive the daemon: two processes are pardoned, the daemon stops (SIGTERM), one of them exits, and
/// a new daemon with the same pardon.state restores the live one exactly as it was granted (`pardon_granted`
/// with code restored; `pardon list`, `pardon rank`) and drops the other with `pardon_revoked`, code stale.
/// </summary>
[Collection(EndToEndCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class PardonRestartTests
{
    private const int LimitMiB = 128;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>The fields of a pardon that a restart must carry over unchanged (rss_kib is re-measured).</summary>
    private static readonly string[] s_kept =
    [
        "pid", "start_time", "comm", "exe", "exe_dev", "exe_ino", "uid", "requester_uid", "requester_pid", "reason", "rule",
        "max_rss_kib", "granted", "granted_unix_ms", "expires", "expires_unix_ms", "kernel_protected", "previous_oom_score_adj",
    ];

    private readonly ITestOutputHelper _output;

    public PardonRestartTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task Restart_SavedPardons_LiveOneIsRestoredAndTheExitedOneDropped()
    {
        using var sandbox = PardonSandbox.Create(_output);
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        CgroupProcess kept = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.AllowedMemhog, "--mib", "4");
        CgroupProcess gone = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.AllowedMemhog, "--mib", "4");
        kept.WaitForReady(s_timeout);
        gone.WaitForReady(s_timeout);
        string context = $"kept {kept.Pid}, gone {gone.Pid}";

        JsonElement before;
        using (SandboxDaemon first = sandbox.StartDaemon(cgroup))
        {
            await RequestAsync(sandbox, kept, "--reason", "e2e: kept", "--ttl", "2h");
            await RequestAsync(sandbox, gone, "--reason", "e2e: gone");
            before = await sandbox.ListAsync();
            Assert.True(PardonJson.Pardons(before).Count == 2, before.ToString());
            first.Stop();
        }

        // Saved on stop, for root only: the state names both processes.
        Assert.True(File.Exists(sandbox.StatePath), $"no state file at {sandbox.StatePath}");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(sandbox.StatePath));
        using (JsonDocument state = JsonDocument.Parse(File.ReadAllBytes(sandbox.StatePath)))
        {
            List<int> saved = [.. state.RootElement.GetProperty("pardons").EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()).Order()];
            Assert.True(saved.SequenceEqual(new[] { kept.Pid, gone.Pid }.Order()), $"the state file must hold both pardons\n{state.RootElement}");
        }

        gone.Kill();
        Assert.True(gone.WaitForExit(TimeSpan.FromSeconds(10)), gone.Describe());

        using SandboxDaemon second = sandbox.StartDaemon(cgroup);

        // Decided before the new daemon starts listening, one event each; the event log writes them after `start`
        // (EventLog.HoldUntilStart), so wait for both before looking.
        second.WaitForEvent("pardon_granted", kept.Pid, TimeSpan.FromSeconds(10));
        second.WaitForEvent("pardon_revoked", gone.Pid, TimeSpan.FromSeconds(10));
        List<JsonElement> events = second.ReadEvents();
        context += $"\n{second.Describe()}";
        List<JsonElement> granted = events.Named("pardon_granted");
        List<JsonElement> revoked = events.Named("pardon_revoked");
        Assert.True(granted.Count == 1 && granted[0].Pid() == kept.Pid && granted[0].Text("code") == "restored",
            $"the live process's pardon must be restored (pardon_granted, code restored)\n{context}");
        Assert.True(revoked.Count == 1 && revoked[0].Pid() == gone.Pid && revoked[0].Text("code") == "stale",
            $"the exited process's pardon must be dropped (pardon_revoked, code stale)\n{context}");
        Assert.Contains("is gone", revoked[0].Text("message") ?? "", StringComparison.Ordinal);
        Assert.True(granted[0].Text("reason") == "e2e: kept" && granted[0].Text("rule") == "pardon.allow[0]", context);
        Assert.Empty(events.Named("pardon_released"));
        Assert.Empty(events.Named("pardon_denied"));

        // Nothing else lost: the restored pardon is the one granted, field for field.
        JsonElement after = await sandbox.ListAsync();
        Assert.True(PardonJson.Pardons(after).Count == 1, after.ToString());
        JsonElement was = PardonJson.Pardon(before, kept.Pid)!.Value;
        JsonElement now = PardonJson.Pardon(after, kept.Pid) ?? throw new InvalidDataException($"{kept.Pid} lost its pardon\n{after}\n{context}");
        foreach (string field in s_kept)
        {
            string a = was.TryGetProperty(field, out JsonElement x) ? x.GetRawText() : "(absent)";
            string b = now.TryGetProperty(field, out JsonElement y) ? y.GetRawText() : "(absent)";
            Assert.True(a == b, $"\"{field}\" changed across the restart: {a} before, {b} after\n{context}");
        }

        Assert.True(now.TryGetProperty("expires_unix_ms", out _), $"the restored pardon keeps its expiry\n{now}");
        Assert.True(PardonJson.Bool(after, "kernel_protect") == PardonJson.KernelProtectExpected, after.ToString());

        JsonElement rank = await sandbox.RankAsync(cgroup);
        JsonElement entry = PardonJson.Process(rank, kept.Pid);
        Assert.True(PardonJson.Bool(entry, "pardoned"), $"rank must show the restored pardon\n{rank}");
        Assert.Contains(PardonJson.Reasons(entry), r => r.StartsWith(PardonJson.PardonedReason, StringComparison.Ordinal) && r.EndsWith(": e2e: kept)", StringComparison.Ordinal));

        // And it is a live pardon: its owner can release it.
        PardonResult release = await sandbox.PardonAsync(PardonSandbox.User, "release", "--pid", Number(kept.Pid));
        Assert.True(release.ExitCode == 0, $"{release}\n{context}");
        JsonElement released = second.WaitForEvent("pardon_released", kept.Pid, TimeSpan.FromSeconds(10));
        Assert.Equal("released", released.Text("code"));
        second.Stop();
    }

    private static async Task RequestAsync(PardonSandbox sandbox, CgroupProcess target, params string[] more)
    {
        PardonResult result = await sandbox.PardonAsync(PardonSandbox.User, ["request", "--pid", Number(target.Pid), .. more]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
