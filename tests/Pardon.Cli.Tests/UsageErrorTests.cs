// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Cli.Tests;

/// <summary>Bad usage exits 2 (the interface contract) with a short message on stderr and nothing on stdout.</summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("--bogus")]
    [InlineData("rank", "--bogus")]
    [InlineData("rank", "--json", "--all", "--nope")]
    [InlineData("explain", "1", "--bogus")]
    public async Task UnknownFlag_ExitsWithUsage_AndNamesTheFlag(params string[] args)
    {
        CliResult r = await Cli.RunAsync(args);

        Assert.True(r.ExitCode == (int)ExitCode.Usage, r.ToString());
        Assert.Contains(args[^1], r.Stderr, StringComparison.Ordinal);
        Assert.True(r.Stdout.Length == 0, r.ToString());
    }

    [Theory]
    [InlineData(new string[0], "command")]
    [InlineData(new[] { "no-such-verb" }, "no-such-verb")]
    [InlineData(new[] { "explain" }, "an argument is missing")]
    [InlineData(new[] { "explain", "abc" }, "abc")]
    [InlineData(new[] { "explain", "1", "2" }, "2")]
    [InlineData(new[] { "rank", "--cgroup" }, "--cgroup")]
    public async Task MissingOrMalformedArgument_ExitsWithUsage(string[] args, string mentioned)
    {
        CliResult r = await Cli.RunAsync(args);

        Assert.True(r.ExitCode == (int)ExitCode.Usage, r.ToString());
        Assert.Contains(mentioned, r.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    public async Task Explain_PidZero_IsAUsageError(string pid)
    {
        CliResult r = await Cli.RunAsync("explain", pid);

        Assert.True(r.ExitCode == (int)ExitCode.Usage, r.ToString());
        Assert.Contains("not a process id", r.Stderr, StringComparison.Ordinal);
    }
}
