// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text.Json;

namespace Pardon.Cli.Tests;

public sealed class ExplainCommandTests
{
    [Fact]
    public async Task Explain_PidThatDoesNotExist_ExitsWithFailure_AndSaysThereIsNoSuchProcess()
    {
        // pid_max itself is never a pid: pids run from 1 to pid_max - 1.
        int pid = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim(), CultureInfo.InvariantCulture);

        CliResult r = await Cli.RunAsync("explain", pid.ToString(CultureInfo.InvariantCulture));

        Assert.True(r.ExitCode == (int)ExitCode.Failure, r.ToString());
        Assert.Contains($"no process {pid}", r.Stderr, StringComparison.Ordinal);
        Assert.True(r.Stdout.Length == 0, r.ToString());
    }

    [KernelThreadsVisibleFact]
    public async Task Explain_Pid2_SaysKernelThread_AndOomScoreZero()
    {
        CliResult r = await Cli.RunAsync("explain", "2");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("kernel thread", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("oom_score reads 0", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("not a candidate", r.Stdout, StringComparison.Ordinal);
    }

    [KernelThreadsVisibleFact]
    public async Task ExplainJson_Pid2_IsIneligibleWithNoBadness()
    {
        CliResult r = await Cli.RunAsync("explain", "2", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        using JsonDocument json = JsonDocument.Parse(r.Stdout);
        JsonElement p = json.RootElement.GetProperty("process");
        Assert.Equal(2, p.GetProperty("pid").GetInt32());
        Assert.False(p.GetProperty("eligible").GetBoolean());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("kernel_badness").ValueKind);
        Assert.Equal(0, p.GetProperty("oom_score").GetInt64());
    }

    [Fact]
    public async Task Explain_OwnProcess_ShowsTheKernelArithmetic()
    {
        CliResult r = await Cli.RunAsync("explain", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (string term in new[] { "rss:", "swap entries:", "page tables:", "oom_score_adj:", "kernel badness:", "oom_score:" })
        {
            Assert.Contains(term, r.Stdout, StringComparison.Ordinal);
        }

        // explain runs inside this process: Pardon never chooses itself, and says so.
        Assert.Contains("not a candidate", r.Stdout, StringComparison.Ordinal);
    }
}
