// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// A cgroup's limit shrinks under a running daemon below its levels: without a check on every reading,
/// every reading would be a shortage and the daemon would kill one process after another. It warns,
/// acts at the default levels (10%/5%) instead, kills nobody, and says so when the levels fit again.
/// About 5 s.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LevelFitTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);
    private readonly ITestOutputHelper _output;

    public LevelFitTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [MemoryCgroupFact]
    public void LimitShrinksBelowTheLevel_Warns_KillsNobody_ThenFitsAgain()
    {
        using var cgroup = TestCgroup.Create(256L << 20, _output);
        CgroupProcess sleeper = cgroup.Start("/bin/sleep", "120"); // owned (and ended) by the cgroup
        using var daemon = DaemonProcess.Start(cgroup, _output, null, "--term-below", "100MiB", "--kill-below", "50MiB");

        cgroup.SetLimit(64L << 20);
        JsonElement warning = daemon.WaitForEvent(e => Code(e) == "levels_do_not_fit", s_wait, "a levels_do_not_fit warning");
        string message = warning.GetProperty("message").GetString()!;
        Assert.Contains($"100MiB is not below cgroup {cgroup.Path}'s memory (64 MiB)", message, StringComparison.Ordinal);
        Assert.Contains("acting at 10% and 5%", message, StringComparison.Ordinal);

        // Several readings at the shrunk size: with the configured levels each would have been a shortage.
        Thread.Sleep(2000);
        cgroup.SetLimit(256L << 20);
        daemon.WaitForEvent(e => Code(e) == "levels_fit", s_wait, "a levels_fit warning");

        List<JsonElement> events = daemon.Stop();
        Assert.DoesNotContain(events, e => e.GetProperty("event").GetString() is "kill" or "pressure");
        Assert.False(sleeper.HasExited, "the only process in the cgroup was killed");
        Assert.Equal(0, cgroup.ReadOomKillCount());
    }

    private static string? Code(JsonElement e)
        => e.GetProperty("event").GetString() == "warning" && e.TryGetProperty("code", out JsonElement c) ? c.GetString() : null;
}
