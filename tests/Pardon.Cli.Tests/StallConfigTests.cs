// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.Daemon.Configuration;

namespace Pardon.Cli.Tests;

/// <summary>The stall criterion's configuration (thresholds.stall_*) and flags (--stall-above, --stall-for), through --print-config.</summary>
public sealed class StallConfigTests : IDisposable
{
    private static readonly JsonDocumentOptions s_jsonc = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private readonly string _dir = Directory.CreateTempSubdirectory("pardon-cli-stall-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Config(string json)
    {
        string path = Path.Combine(_dir, $"config-{Guid.NewGuid():N}.jsonc");
        File.WriteAllText(path, json);
        return path;
    }

    private static JsonElement Thresholds(CliResult r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        using JsonDocument printed = JsonDocument.Parse(r.Stdout, s_jsonc);
        return printed.RootElement.GetProperty("thresholds").Clone();
    }

    [Fact]
    public async Task The_defaults_are_10_percent_full_over_10_seconds()
    {
        JsonElement t = Thresholds(await Cli.RunAsync("daemon", "--print-config", "--config", Config("{}")));
        Assert.Equal("10%", t.GetProperty("stall_above").GetString());
        Assert.Equal("10s", t.GetProperty("stall_for").GetString());
        Assert.Equal("full", t.GetProperty("stall_kind").GetString());

        PardonConfig embedded = ConfigLoader.Load(Config("{}"));
        Assert.Equal(10, embedded.Stall.AbovePercent);
        Assert.Equal(10_000, embedded.Stall.ForMs);
    }

    [Fact]
    public async Task The_file_sets_them()
    {
        JsonElement t = Thresholds(await Cli.RunAsync("daemon", "--print-config", "--config",
            Config("""{ "thresholds": { "stall_above": "25.5%", "stall_for": "4s", "stall_kind": "some" } }""")));
        Assert.Equal("25.5%", t.GetProperty("stall_above").GetString());
        Assert.Equal("4s", t.GetProperty("stall_for").GetString());
        Assert.Equal("some", t.GetProperty("stall_kind").GetString());

        t = Thresholds(await Cli.RunAsync("daemon", "--print-config", "--config", Config("""{ "thresholds": { "stall_above": "off" } }""")));
        Assert.Equal("off", t.GetProperty("stall_above").GetString());
    }

    [Fact]
    public async Task Flags_override_the_file()
    {
        string file = Config("""{ "thresholds": { "stall_above": "25%", "stall_for": "4s" } }""");
        JsonElement t = Thresholds(await Cli.RunAsync("daemon", "--print-config", "--config", file, "--stall-above", "60%", "--stall-for", "20s"));
        Assert.Equal("60%", t.GetProperty("stall_above").GetString());
        Assert.Equal("20s", t.GetProperty("stall_for").GetString());

        t = Thresholds(await Cli.RunAsync("daemon", "--print-config", "--config", file, "--stall-above", "off"));
        Assert.Equal("off", t.GetProperty("stall_above").GetString());
        Assert.Equal("4s", t.GetProperty("stall_for").GetString());
    }

    [Theory]
    [InlineData("""{ "thresholds": { "stall_above": "40" } }""", "thresholds.stall_above: \"40\" is not a share of time")]
    [InlineData("""{ "thresholds": { "stall_above": "0%" } }""", "thresholds.stall_above: \"0%\" is out of range")]
    [InlineData("""{ "thresholds": { "stall_above": 40 } }""", "thresholds.stall_above: expected a string")]
    [InlineData("""{ "thresholds": { "stall_for": "1s" } }""", "thresholds.stall_for: \"1s\" is out of range (2s to 1m)")]
    [InlineData("""{ "thresholds": { "stall_for": "soon" } }""", "thresholds.stall_for")]
    [InlineData("""{ "thresholds": { "stall_kind": "partial" } }""", "thresholds.stall_kind: \"partial\" is not a stall kind")]
    [InlineData("""{ "thresholds": { "stall_abov": "40%" } }""", "thresholds.stall_abov: unknown field; did you mean \"stall_above\"?")]
    public async Task Bad_values_are_refused_naming_the_field(string json, string expected)
    {
        CliResult r = await Cli.RunAsync("daemon", "--print-config", "--config", Config(json));
        Assert.True(r.ExitCode == (int)ExitCode.Usage, r.ToString());
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.Equal("", r.Stdout);
    }

    [Theory]
    [InlineData("--stall-above", "40", "is not a share of time")]
    [InlineData("--stall-above", "120%", "out of range")]
    [InlineData("--stall-for", "1s", "out of range (2s to 60s)")]
    [InlineData("--stall-for", "ten", "--stall-for")]
    public async Task Bad_flags_are_usage_errors(string flag, string value, string expected)
    {
        CliResult r = await Cli.RunAsync("daemon", "--print-config", "--config", Config("{}"), flag, value);
        Assert.True(r.ExitCode == (int)ExitCode.Usage, r.ToString());
        Assert.Contains(flag, r.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }
}
