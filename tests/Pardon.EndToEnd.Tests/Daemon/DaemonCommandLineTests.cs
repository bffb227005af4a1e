// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.Cli;
using Pardon.Daemon.Configuration;

namespace Pardon.EndToEnd.Tests.Daemon;

/// <summary>
/// `pardon daemon`'s command line, in-process: the effective configuration it prints, and the
/// configurations it refuses (exit 2, naming the field). Only --print-config runs here, so a bug that
/// let a bad configuration through could not start a daemon inside the test host; the refusals by the
/// real daemon itself are in <see cref="DaemonRefusalTests"/>.
/// </summary>
public sealed class DaemonCommandLineTests : IDisposable
{
    private static readonly JsonDocumentOptions s_jsonc = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private readonly string _dir = Directory.CreateTempSubdirectory("pardon-e2e-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task PrintConfig_EmptyFile_PrintsTheEmbeddedDefaults()
    {
        // An empty file over the defaults: the same as no file, whatever /etc/pardon holds on this machine.
        (int code, string stdout, string stderr) = await RunAsync("daemon", "--print-config", "--config", Config("{}"));

        Assert.True(code == 0, stderr);
        using JsonDocument printed = JsonDocument.Parse(stdout, s_jsonc);
        using JsonDocument defaults = JsonDocument.Parse(ConfigLoader.EmbeddedDefaults(), s_jsonc);
        List<string> differences = [];
        Compare(defaults.RootElement, printed.RootElement, "", differences);
        Assert.True(differences.Count == 0, "--print-config differs from the embedded defaults:\n" + string.Join('\n', differences) + "\n" + stdout);
        Assert.Equal("10%", printed.RootElement.GetProperty("thresholds").GetProperty("term_below").GetString());
        Assert.Equal("30s", printed.RootElement.GetProperty("growth").GetProperty("window").GetString());
        Assert.Equal("5s", printed.RootElement.GetProperty("kill").GetProperty("grace").GetString());
    }

    [Fact]
    public async Task PrintConfig_TermBelowOption_OverridesTheThreshold()
    {
        (int code, string stdout, string stderr) = await RunAsync("daemon", "--print-config", "--config", Config("{}"), "--term-below", "15%", "--kill-below", "64MiB");

        Assert.True(code == 0, stderr);
        using JsonDocument printed = JsonDocument.Parse(stdout, s_jsonc);
        JsonElement thresholds = printed.RootElement.GetProperty("thresholds");
        Assert.Equal("15%", thresholds.GetProperty("term_below").GetString());
        Assert.Equal("64MiB", thresholds.GetProperty("kill_below").GetString());
    }

    [Fact]
    public async Task PrintConfig_FileValues_AreLaidOverTheDefaults()
    {
        (int code, string stdout, string stderr) = await RunAsync("daemon", "--print-config", "--config", Config("""
            // a comment, and a trailing comma
            { "growth": { "window": "3s" }, "kill": { "grace": "1s" }, }
            """));

        Assert.True(code == 0, stderr);
        using JsonDocument printed = JsonDocument.Parse(stdout, s_jsonc);
        Assert.Equal("3s", printed.RootElement.GetProperty("growth").GetProperty("window").GetString());
        Assert.Equal(3, printed.RootElement.GetProperty("growth").GetProperty("weight").GetDouble());
        Assert.Equal("1s", printed.RootElement.GetProperty("kill").GetProperty("grace").GetString());
    }

    [Theory]
    [InlineData("""{ "thresholds": { "term_below": "lots" } }""", "thresholds.term_below")]
    [InlineData("""{ "thresholds": { "term_bellow": "10%" } }""", "thresholds.term_bellow: unknown field; did you mean \"term_below\"?")]
    [InlineData("""{ "growth": { "windw": "3s" } }""", "growth.windw: unknown field; did you mean \"window\"?")]
    [InlineData("""{ "kill": { "grace": "soon" } }""", "kill.grace")]
    [InlineData("""{ "protect": [ { "unit": "process" , "exe": 5 } ] }""", "protect[0]")]
    [InlineData("""{ "thresholds": { "term_below": "5%", "kill_below": "10%" } }""", "thresholds.kill_below")]
    [InlineData("""{ "thresholds": """, "not valid JSON")]
    public async Task Config_Invalid_IsRefusedWithExitCode2NamingTheField(string json, string expected)
    {
        string file = Config(json);

        (int code, string stdout, string stderr) = await RunAsync("daemon", "--print-config", "--config", file);

        Assert.True(code == 2, $"exit {code}\nstderr: {stderr}\nstdout: {stdout}");
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Contains(file, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Config_MissingFile_IsRefusedWithExitCode2()
    {
        (int code, _, string stderr) = await RunAsync("daemon", "--print-config", "--config", Path.Combine(_dir, "absent.jsonc"));

        Assert.True(code == 2, stderr);
        Assert.Contains("no such file", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10%", "20%")]
    [InlineData("64MiB", "128MiB")]
    public async Task KillBelow_AboveTermBelow_IsRefusedWithExitCode2(string term, string kill)
    {
        (int code, string stdout, string stderr) = await RunAsync("daemon", "--print-config", "--config", Config("{}"), "--term-below", term, "--kill-below", kill);

        Assert.True(code == 2, $"exit {code}\nstderr: {stderr}\nstdout: {stdout}");
        Assert.Contains("--kill-below", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--term-below", "lots")]
    [InlineData("--kill-below", "150%")]
    public async Task Level_Unparsable_IsAUsageError(string option, string value)
    {
        (int code, _, string stderr) = await RunAsync("daemon", "--print-config", option, value);

        Assert.True(code == 2, stderr);
        Assert.Contains(option, stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = await PardonCli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Writes a configuration file into the test's directory and returns its path.</summary>
    private string Config(string json)
    {
        string path = Path.Combine(_dir, $"config-{Guid.NewGuid():N}.jsonc");
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>Every leaf of <paramref name="expected"/> must appear in <paramref name="actual"/> with the same value.</summary>
    private static void Compare(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            differences.Add($"{path}: {expected.GetRawText()} printed as {actual.GetRawText()}");
            return;
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty p in expected.EnumerateObject())
                {
                    string child = path.Length == 0 ? p.Name : path + "." + p.Name;
                    if (actual.TryGetProperty(p.Name, out JsonElement a))
                    {
                        Compare(p.Value, a, child, differences);
                    }
                    else
                    {
                        differences.Add($"{child}: missing");
                    }
                }

                break;
            case JsonValueKind.Array:
                if (expected.GetArrayLength() != actual.GetArrayLength())
                {
                    differences.Add($"{path}: {expected.GetArrayLength()} items printed as {actual.GetArrayLength()}");
                    return;
                }

                for (int i = 0; i < expected.GetArrayLength(); i++)
                {
                    Compare(expected[i], actual[i], $"{path}[{i}]", differences);
                }

                break;
            default:
                if (expected.GetRawText() != actual.GetRawText())
                {
                    differences.Add($"{path}: {expected.GetRawText()} printed as {actual.GetRawText()}");
                }

                break;
        }
    }
}
