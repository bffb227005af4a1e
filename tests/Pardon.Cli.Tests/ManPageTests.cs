// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using System.Text.Json;
using Pardon.Cli.Completions;
using Pardon.Daemon.Configuration;

namespace Pardon.Cli.Tests;

/// <summary>
/// The man pages' sources (packaging/man, rendered by scripts/package-deb; the package test renders and
/// reads them with man): pardon(8)'s commands come from the command tree, pardon.jsonc(5) names every key.
/// </summary>
public sealed class ManPageTests
{
    private static RootCommand Root() => PardonCli.CreateRootCommand(TextWriter.Null, TextWriter.Null);

    [Fact]
    public void JsoncPage_DocumentsEveryKeyOfTheConfiguration()
    {
        string page = RepositoryFile.Read("packaging/man/pardon.jsonc.5.scd");
        string written = ConfigWriter.Write(new PardonConfig());
        using JsonDocument config = JsonDocument.Parse(written, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var keys = new List<string>();
        CollectKeys(config.RootElement, "", keys);

        Assert.Contains("thresholds.term_below", keys);
        Assert.Contains("pardon.allow", keys);
        string[] missing = [.. keys.Where(k => !page.Contains("\n*" + k + "*", StringComparison.Ordinal))];
        Assert.True(missing.Length == 0, "document in packaging/man/pardon.jsonc.5.scd (KEYS): " + string.Join(", ", missing));
    }

    [Fact]
    public void CommandPage_HasOnePlaceForTheGeneratedCommands()
    {
        string[] lines = RepositoryFile.Read("packaging/man/pardon.8.scd").Split('\n');

        Assert.Single(lines, l => l == "@COMMANDS@");
        Assert.StartsWith("pardon(8) ", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void CommandsSection_NamesEveryVisibleCommandOptionAndArgument()
    {
        RootCommand root = Root();
        string section = ManPageCommands.Write(root);

        foreach (Command command in root.Subcommands)
        {
            Assert.Equal(!command.Hidden, section.Contains("## pardon " + command.Name + "\n", StringComparison.Ordinal));
            if (command.Hidden)
            {
                continue;
            }

            foreach (Option option in command.Options.Where(o => !o.Hidden))
            {
                Assert.Contains("*" + option.Name + "*", section, StringComparison.Ordinal);
            }

            foreach (Argument argument in command.Arguments)
            {
                Assert.Contains("_" + argument.Name + "_", section, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void CommandsSection_EscapesScdocMarkupInDescriptions()
    {
        // `--term-below`'s description names thresholds.term_below: a bare underscore would start italics.
        string section = ManPageCommands.Write(Root());

        Assert.Contains("thresholds.term\\_below", section, StringComparison.Ordinal);
        Assert.DoesNotContain("thresholds.term_below", section, StringComparison.Ordinal);
        Assert.DoesNotContain("\n ", section, StringComparison.Ordinal);
    }

    private static void CollectKeys(JsonElement element, string prefix, List<string> keys)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            string key = prefix.Length == 0 ? property.Name : prefix + "." + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                CollectKeys(property.Value, key, keys);
            }
            else
            {
                keys.Add(key);
            }
        }
    }
}
