// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Pardons;

/// <summary>
/// Pardons are visible to everyone: `pardon list` (text and --json, run by uid 65534) shows each with its owner,
/// rule, ceiling, expiry and reason; `pardon rank --json` marks the pardoned processes (`pardoned: true`, a reason
/// saying who pardoned them and why) and chooses among the others; `pardon status` says whether pardons bind the
/// kernel too — on a machine without CAP_SYS_RESOURCE, `kernel_protect: false`, with the explanation, and one
/// `warning` event (kernel_protect_unavailable) from the daemon.
/// </summary>
[Collection(EndToEndCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class PardonVisibilityTests
{
    private const int LimitMiB = 128;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly ITestOutputHelper _output;

    public PardonVisibilityTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public async Task ListRankStatus_PardonedProcesses_AreShownWithTheirReasonsAndKernelProtection()
    {
        using var sandbox = PardonSandbox.Create(_output);
        using var cgroup = TestCgroup.Create((long)LimitMiB << 20, _output);
        using SandboxDaemon daemon = sandbox.StartDaemon(cgroup);
        CgroupProcess locker = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.AllowedMemhog, "--mib", "12");
        CgroupProcess tool = PardonSandbox.StartAs(cgroup, PardonSandbox.User, sandbox.AllowedMemhog, "--mib", "6");
        CgroupProcess plain = cgroup.StartMemhog("--mib", "3");
        foreach (CgroupProcess p in new[] { locker, tool, plain })
        {
            p.WaitForReady(s_timeout);
        }

        bool kernelProtect = PardonJson.KernelProtectExpected;
        await RequestAsync(sandbox, locker, "--reason", "e2e screen locker");
        await RequestAsync(sandbox, tool, "--reason", "e2e session tool", "--ttl", "1h");

        // `pardon list`, for people.
        PardonResult text = await sandbox.PardonAsync(PardonSandbox.User, "list");
        Assert.True(text.ExitCode == 0, text.ToString());
        foreach ((CgroupProcess p, string reason, string expires) in new[] { (locker, "e2e screen locker", " never "), (tool, "e2e session tool", " in 5") })
        {
            string? row = text.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith(Number(p.Pid) + " ", StringComparison.Ordinal));
            Assert.True(row is not null, $"pardon list must have a row for {p.Pid}\n{text}");
            foreach (string cell in new[] { " memhog ", " pardon.allow[0] ", " 200 MiB ", expires, " no ", " " + reason })
            {
                Assert.True(row.Contains(cell, StringComparison.Ordinal) || (cell == " no " && kernelProtect), $"the row of {p.Pid} must show \"{cell.Trim()}\"\n{text}");
            }

            // The owner by name where the passwd database has one for 65534.
            Assert.True(row.Contains(" nobody ", StringComparison.Ordinal) || row.Contains(" 65534 ", StringComparison.Ordinal), $"the row of {p.Pid} must show its owner\n{text}");
        }

        Assert.Equal(!kernelProtect, text.Stdout.Contains("kernel protection: off (the daemon lacks CAP_SYS_RESOURCE)", StringComparison.Ordinal));

        // `pardon list --json`, for programs.
        JsonElement list = await sandbox.ListAsync();
        Assert.True(PardonJson.Bool(list, "ok") && PardonJson.Bool(list, "kernel_protect") == kernelProtect, list.ToString());
        Assert.True(list.GetProperty("daemon_pid").GetInt32() == daemon.Pid, list.ToString());
        Assert.True(PardonJson.Pardons(list).Select(p => p.GetProperty("pid").GetInt32()).SequenceEqual(new[] { locker.Pid, tool.Pid }.Order()),
            $"the list holds exactly the two pardons, by pid\n{list}");
        foreach ((CgroupProcess p, string reason, bool expires) in new[] { (locker, "e2e screen locker", false), (tool, "e2e session tool", true) })
        {
            JsonElement pardon = PardonJson.Pardon(list, p.Pid)!.Value;
            string shown = pardon.ToString();
            Assert.True(pardon.GetProperty("uid").GetInt32() == PardonSandbox.User && pardon.GetProperty("requester_uid").GetInt32() == PardonSandbox.User, shown);
            Assert.True(pardon.GetProperty("comm").GetString() == "memhog" && pardon.GetProperty("exe").GetString() == sandbox.AllowedMemhog, shown);
            Assert.True(pardon.GetProperty("rule").GetString() == "pardon.allow[0]" && pardon.GetProperty("reason").GetString() == reason, shown);
            Assert.True(pardon.GetProperty("max_rss_kib").GetInt64() == 200 * 1024 && pardon.GetProperty("start_time").GetUInt64() > 0, shown);
            Assert.True(PardonJson.Bool(pardon, "kernel_protected") == kernelProtect, shown);
            Assert.True(pardon.TryGetProperty("expires_unix_ms", out _) == expires, shown);
        }

        // `pardon rank --json`: pardoned, with the reason, and not chosen.
        JsonElement rank = await sandbox.RankAsync(cgroup);
        foreach ((CgroupProcess p, string reason) in new[] { (locker, "e2e screen locker"), (tool, "e2e session tool") })
        {
            JsonElement entry = PardonJson.Process(rank, p.Pid);
            Assert.True(PardonJson.Bool(entry, "pardoned") && !PardonJson.Bool(entry, "eligible"), $"{p.Pid} must be pardoned and not a candidate\n{rank}");
            Assert.Contains(PardonJson.Reasons(entry), r => r.StartsWith(PardonJson.PardonedReason, StringComparison.Ordinal) && r.EndsWith(": " + reason + ")", StringComparison.Ordinal));
        }

        Assert.False(PardonJson.Bool(PardonJson.Process(rank, plain.Pid), "pardoned"), rank.ToString());
        Assert.True(PardonJson.Victim(rank) == plain.Pid, $"the only unpardoned process is the victim, however small\n{rank}");

        // `pardon status`: kernel protection and why.
        PardonResult statusJson = await sandbox.PardonAsync(PardonSandbox.User, "status", "--json");
        Assert.True(statusJson.ExitCode == 0, statusJson.ToString());
        using (JsonDocument doc = JsonDocument.Parse(statusJson.Stdout))
        {
            JsonElement root = doc.RootElement;
            JsonElement figures = root.GetProperty("status");
            Assert.True(PardonJson.Bool(root, "kernel_protect") == kernelProtect && PardonJson.Bool(figures, "kernel_protect") == kernelProtect, statusJson.ToString());
            Assert.True(figures.GetProperty("pardons").GetInt32() == 2 && figures.GetProperty("pid").GetInt32() == daemon.Pid, statusJson.ToString());
        }

        PardonResult status = await sandbox.PardonAsync(PardonSandbox.User, "status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("pardons: 2", status.Stdout, StringComparison.Ordinal);
        Assert.Contains(kernelProtect
            ? "kernel_protect: yes"
            : "kernel_protect: no (the daemon lacks CAP_SYS_RESOURCE: pardons bind Pardon only; the kernel's own OOM killer might still choose a pardoned process)",
            status.Stdout, StringComparison.Ordinal);

        List<JsonElement> events = daemon.Stop();
        List<JsonElement> warnings = [.. events.Named("warning").Where(e => e.Text("code") == "kernel_protect_unavailable")];
        Assert.True(warnings.Count == (kernelProtect ? 0 : 1), $"expected {(kernelProtect ? "no" : "one")} kernel_protect_unavailable warning\n{daemon.Describe()}");
        if (!kernelProtect)
        {
            Assert.Contains("CAP_SYS_RESOURCE", warnings[0].Text("message") ?? "", StringComparison.Ordinal);
        }
    }

    private static async Task RequestAsync(PardonSandbox sandbox, CgroupProcess target, params string[] more)
    {
        PardonResult result = await sandbox.PardonAsync(PardonSandbox.User, ["request", "--pid", Number(target.Pid), .. more]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
