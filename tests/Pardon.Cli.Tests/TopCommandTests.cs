// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.RegularExpressions;

namespace Pardon.Cli.Tests;

/// <summary>`pardon top` with its output redirected (in-process, to a StringWriter): one frame, plain text, exit 0.</summary>
public sealed partial class TopCommandTests
{
    [Fact]
    public async Task Top_Redirected_PrintsOneFrame_AndExits0()
    {
        CliResult r = await Cli.RunAsync("top");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain('\e', r.Stdout);
        string[] lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("pardon top: system; ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("q quits", lines[0], StringComparison.Ordinal);
        Assert.Matches(MemoryLine(), lines[1]);
        Assert.Matches(@"^swap    (none|.+ free of .+)$", lines[2]);
        Assert.Matches(@"^levels  now (ok|SIGTERM level reached|SIGKILL level reached); SIGTERM at .+ \(10%\), SIGKILL at .+ \(5%\)$", lines[3]);
        Assert.StartsWith("stall   ", lines[4], StringComparison.Ordinal); // PSI: measuring at the first frame
        Assert.StartsWith("kernel would kill: ", lines[5], StringComparison.Ordinal);
        Assert.StartsWith("Pardon would kill: ", lines[6], StringComparison.Ordinal);

        // The table: the column titles, then one row per candidate, Pardon's victim first and marked.
        int header = Array.FindIndex(lines, l => l.Contains("PID", StringComparison.Ordinal) && l.Contains("OOM_SCORE", StringComparison.Ordinal));
        Assert.True(header > 6, r.ToString());
        string[] rows = lines[(header + 1)..].Where(l => !l.StartsWith("...", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(rows);
        Assert.True(rows.Length <= 20, r.ToString());
        Assert.Matches(@"^.P +\d+ ", rows[0]);
        Assert.All(rows, row => Assert.Matches(@"^[K ][P ] +\d+ ", row));
    }

    [PathExistsFact("/sys/fs/cgroup/memory", "a cgroup v1 memory hierarchy")]
    public async Task Top_InOwnMemoryCgroup_ShowsTheCgroupScope()
    {
        string cgroup = "/sys/fs/cgroup/memory" + File.ReadLines("/proc/self/cgroup")
            .Select(l => l.Split(':', 3))
            .Single(f => f[1].Split(',').Contains("memory"))[2];

        CliResult r = await Cli.RunAsync("top", "--cgroup", cgroup, "--interval", "500ms");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith($"pardon top: cgroup {cgroup.TrimEnd('/')} (v1", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("every 500 ms", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Pardon would kill: ", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_MissingCgroup_IsAUsageError()
    {
        CliResult r = await Cli.RunAsync("top", "--cgroup", "/nonexistent/pardon-test");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("no such directory", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10ms", "at least 100ms")]
    [InlineData("soon", "not a duration")]
    public async Task Top_BadInterval_IsAUsageError(string interval, string message)
    {
        CliResult r = await Cli.RunAsync("top", "--interval", interval);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
        Assert.Empty(r.Stdout);
    }

    [GeneratedRegex(@"^memory  \[[#.TK]{28}\] \d+(\.\d)?% available: .+ of .+$")]
    private static partial Regex MemoryLine();
}
