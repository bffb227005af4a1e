// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.RegularExpressions;
using Pardon.Daemon.Configuration;

namespace Pardon.Daemon.Tests.Configuration;

/// <summary>Every bad configuration is one sentence per problem, in plain words, naming where it is.</summary>
public sealed partial class ConfigErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pardon-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Problem(string json)
    {
        var config = new PardonConfig();
        ConfigException ex = Assert.Throws<ConfigException>(() => ConfigLoader.Apply(config, json, "test.jsonc"));
        Assert.DoesNotMatch(ResourceKey(), ex.Message);
        return ex.Message;
    }

    /// <summary>A .NET resource key ("ZeroDepthAtEnd", "UnauthorizedAccess_IODenied_Path") instead of words.</summary>
    [GeneratedRegex(@"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+(?:_\w+)?\b")]
    internal static partial Regex ResourceKey();

    [Theory]
    [InlineData("{ \"thresholds\": { \"term_below\": \"5%\" }\n", "test.jsonc: line 2, column 1: not valid JSON: the text ends before the JSON is complete (a closing } or ] is missing)")]
    [InlineData("{ \"kill\": { \"grace\": \"5s\" } \"growth\": {} }", "test.jsonc: line 1, column 29: not valid JSON: a comma is missing before a string")]
    [InlineData("{ \"kill\": { \"grace\": 5s } }", "test.jsonc: line 1, column 23: not valid JSON: 5s is not a JSON value; names and text must be in double quotes (\"5s\")")]
    [InlineData("{ kill: {} }", "test.jsonc: line 1, column 3: not valid JSON: kill is not a JSON value; names and text must be in double quotes (\"kill\")")]
    [InlineData("{ 'kill': {} }", "test.jsonc: line 1, column 3: not valid JSON: strings need double quotes (\"...\"), not single ones")]
    [InlineData("{ \"events\": { \"file\": \"/var/log/\u00e9\n\" } }", "test.jsonc: line 1, column 34: not valid JSON: a string holds a character it may not: a line break, a control character or an unknown escape (write \\\\ for a backslash, \\n, \\t or \\u00XX)")]
    [InlineData("{ \"prefer\": [ } ", "test.jsonc: line 1, column 15: not valid JSON: '}' is not expected here (a value is missing, or the brackets do not match)")]
    [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "test.jsonc: line 1, column 17: not valid JSON: nested more than 16 levels deep")]
    [InlineData("", "test.jsonc: line 1, column 1: not valid JSON: the text ends before the JSON is complete")]
    [InlineData("{} {}", "test.jsonc: line 1, column 4: not valid JSON: there is more after the end of the JSON value (one value only)")]
    public void Syntax_LineColumnAndWords(string json, string expected)
        => Assert.Equal(expected, Problem(json));

    [Theory]
    [InlineData("""{ "kill": { "grace": "99999999999d" } }""", "kill.grace: \"99999999999d\" is too long (at most 36500d)")] // aborted the daemon
    [InlineData("""{ "kill": { "grace": "1h" } }""", "kill.grace: \"1h\" is out of range (0s to 10m)")]
    [InlineData("""{ "growth": { "window": "2d" } }""", "growth.window: \"2d\" is out of range (1s to 1d)")]
    [InlineData("""{ "pardon": { "allow": [ { "exe": "/usr/bin/i3lock", "max_ttl": "400d" } ] } }""", "pardon.allow[0].max_ttl: \"400d\" is out of range (1s to 366d)")]
    [InlineData("""{ "pardon": { "default_max_rss": "99999999999999TiB" } }""", "pardon.default_max_rss: \"99999999999999TiB\" is too large")]
    [InlineData("""{ "thresholds": { "term_below": "100%" } }""", "thresholds.term_below: 100% is all of a scope's memory: every reading would be a shortage (use less than 100%)")]
    [InlineData("""{ "thresholds": { "kil_below": "1%" } }""", "thresholds.kil_below: unknown field; did you mean \"kill_below\"?")]
    [InlineData("""{ "thresholds": { "term_below": 10 } }""", "thresholds.term_below: expected a string, found the number 10")]
    [InlineData("""{ "pardon": { "socket": "/run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock" } }""", "pardon.socket: \"/run/aaaaaaaaaaaaaaaaaaa…aaaaaaaaaaaaaaa.sock\" is 147 bytes long; a Unix socket path may be at most 107")]
    public void Values_OneSentenceNamingTheKey(string json, string expected)
        => Assert.Contains("test.jsonc: " + expected, Problem(json), StringComparison.Ordinal);

    [Fact]
    public void NewlineInAKey_StaysOneLine()
    {
        // Found by AFL++ (fuzz/corpus/config/crashes): "max_\n..." as a key split the message, and could forge a log line.
        string message = Problem("{ \"poll\": { \"max_\\nforged line\": \"1s\" } }");

        Assert.Equal("test.jsonc: poll.max_\\nforged line: unknown field (known here: min_interval, max_interval, assumed_fill_rate)", message);
    }

    [Fact]
    public void Read_Directory_SaysSo()
    {
        ConfigException ex = Assert.Throws<ConfigException>(() => ConfigLoader.Read(_dir));
        Assert.Equal($"{_dir}: is a directory, not a configuration file", ex.Message);
    }

    [Fact]
    public void Read_EndlessFile_IsBounded()
    {
        // /dev/zero given by mistake: read until memory ran out.
        ConfigException ex = Assert.Throws<ConfigException>(() => ConfigLoader.Read("/dev/zero"));
        Assert.Equal("/dev/zero: is larger than 1MiB; is it the right file?", ex.Message);
    }

    [Fact]
    public void Read_Missing_NoSuchFile()
    {
        string path = Path.Combine(_dir, "absent.jsonc");
        ConfigException ex = Assert.Throws<ConfigException>(() => ConfigLoader.Read(path));
        Assert.Equal($"{path}: no such file", ex.Message);
    }

    [Fact]
    public void Read_ByteOrderMark_IsSkipped()
    {
        string path = Path.Combine(_dir, "bom.jsonc");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "{ \"kill\": { \"grace\": \"2s\" } }"u8]);

        PardonConfig config = ConfigLoader.Load(path);

        Assert.Equal(TimeSpan.FromSeconds(2), config.KillGrace);
    }
}
