// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using Pardon.Core;
using Pardon.Daemon.Configuration;

namespace Pardon.Daemon.Tests.Configuration;

/// <summary>
/// Rule regexes run on the kill path against every candidate: they must neither throw nor take time that
/// grows worse than linearly with a command line a hostile user chose (a backtracking regex with a timeout
/// threw RegexMatchTimeoutException out of a kill decision under load).
/// </summary>
public sealed class RuleRegexTests
{
    private static PardonConfig Load(string json)
    {
        var config = new PardonConfig();
        ConfigLoader.Apply(config, json, "test.jsonc");
        return config;
    }

    [Fact]
    public void CatastrophicPattern_HostileCommandLine_DecidesWithoutThrowing()
    {
        // (a+)+$ backtracks exponentially on "aaaa…b" in a backtracking engine: 2^4000 paths.
        PardonConfig config = Load("""{ "protect": [ { "cmdline": "(a+)+$" } ] }""");
        SelectionPolicy policy = config.ToPolicy(selfPid: 1);
        ProcessRule rule = Assert.Single(policy.Protect, r => r.Cmdline is not null);
        var hostile = new ProcessFacts { Pid = 4242, Comm = "x", Cmdline = new string('a', 4000) + "b" };
        var matching = new ProcessFacts { Pid = 4243, Comm = "y", Cmdline = new string('a', 4000) };

        var watch = Stopwatch.StartNew();
        bool hostileMatches = rule.Matches(hostile);
        bool matchingMatches = rule.Matches(matching);
        watch.Stop();

        Assert.False(hostileMatches);
        Assert.True(matchingMatches);

        // Not a timing test of the engine (that is linear by construction): a backtracking one would not return at all.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{watch.Elapsed}");
    }

    [Theory]
    [InlineData("""(\\w)\\1""", "backreferences")]
    [InlineData("""foo(?=bar)""", "lookarounds")]
    public void ConstructsThatCannotRunInLinearTime_AreRefusedInWords(string pattern, string named)
    {
        ConfigException ex = Assert.Throws<ConfigException>(() => Load($$"""{ "prefer": [ { "cmdline": "{{pattern}}" } ] }"""));

        Assert.Contains("prefer[0].cmdline", ex.Message, StringComparison.Ordinal);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }
}
