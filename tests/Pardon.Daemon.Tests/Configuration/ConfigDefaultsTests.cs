// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using System.Text.RegularExpressions;
using Pardon.Core;
using Pardon.Daemon.Configuration;

namespace Pardon.Daemon.Tests.Configuration;

/// <summary>
/// The embedded packaging/pardon.jsonc is the one home of every default: a new configuration is built from
/// it, it names every key the loader knows, and docs/configuration.md and Core's fallbacks say the same.
/// </summary>
public sealed partial class ConfigDefaultsTests
{
    private static readonly JsonDocumentOptions s_jsonc = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static Dictionary<string, string> Leaves(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json.StartsWith("//", StringComparison.Ordinal) ? json[(json.IndexOf('\n') + 1)..] : json, s_jsonc);
        var leaves = new Dictionary<string, string>();
        Walk(doc.RootElement, "", leaves);
        return leaves;

        static void Walk(JsonElement e, string path, Dictionary<string, string> into)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (JsonProperty p in e.EnumerateObject())
                    {
                        Walk(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name, into);
                    }

                    break;
                case JsonValueKind.Array:
                    // Lists are compared whole: a list given replaces the default list.
                    using (var buffer = new MemoryStream())
                    {
                        using (var writer = new Utf8JsonWriter(buffer))
                        {
                            e.WriteTo(writer);
                        }

                        into[path + "[]"] = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
                    }

                    break;
                default:
                    into[path] = e.GetRawText();
                    break;
            }
        }
    }

    [Fact]
    public void NewConfig_IsTheEmbeddedFile_AndTheFileNamesEveryKey()
    {
        Dictionary<string, string> embedded = Leaves(ConfigLoader.EmbeddedDefaults());
        Dictionary<string, string> printed = Leaves(ConfigWriter.Write(new PardonConfig()));

        Assert.Equal(printed.Keys.Order(), embedded.Keys.Order()); // a key with a default outside the file fails here
        foreach ((string key, string value) in embedded)
        {
            Assert.True(printed[key] == value, $"{key}: the embedded file says {value}, a new PardonConfig has {printed[key]}");
        }
    }

    [Fact]
    public void Docs_ShowTheEmbeddedDefaults()
    {
        Dictionary<string, string> embedded = Leaves(ConfigLoader.EmbeddedDefaults());
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));
        var documented = new Dictionary<string, string>();
        foreach (Match m in DocsRow().Matches(docs))
        {
            documented[m.Groups["key"].Value] = m.Groups["value"].Value;
        }

        foreach ((string key, string value) in embedded.Where(kv => !kv.Key.EndsWith("[]", StringComparison.Ordinal)))
        {
            Assert.True(documented.TryGetValue(key, out string? shown), $"docs/configuration.md has no row for {key}");
            Assert.True(shown == value, $"docs/configuration.md shows {key} = {shown}; the embedded default is {value}");
        }
    }

    [Fact]
    public void CoreFallbacks_AreTheEmbeddedDefaults()
    {
        var config = new PardonConfig();

        Assert.Equal(Thresholds.Fallback, new Thresholds(config.TermBelow, config.KillBelow, config.SwapTermBelow, config.SwapKillBelow));
        Assert.Equal(SelectionPolicy.Default.GrowthWeight, config.GrowthWeight);
        Assert.Equal(SelectionPolicy.Default.GrowthWindowMs, (long)config.GrowthWindow.TotalMilliseconds);
    }

    /// <summary>"| `thresholds.term_below` | `"10%"` | ..." rows of the keys table.</summary>
    [GeneratedRegex(@"^\| `(?<key>[a-z_.]+)` \| `(?<value>[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex DocsRow();

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Pardon.slnx")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("no Pardon.slnx above " + AppContext.BaseDirectory);
    }
}
