// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;

namespace Pardon.Cli.Tests;

/// <summary>`--help` of the root and of every subcommand: exit 0, and every option, argument and subcommand is named and described.</summary>
public sealed class HelpTests
{
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string> { "" };
        foreach (Command c in PardonCli.CreateRootCommand(TextWriter.Null, TextWriter.Null).Subcommands.Where(c => !c.Hidden))
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Fact]
    public void Commands_IncludeTheContractsVerbsDoneSoFar()
    {
        var names = PardonCli.CreateRootCommand(TextWriter.Null, TextWriter.Null).Subcommands.Select(c => c.Name).ToList();

        Assert.Contains("rank", names);
        Assert.Contains("explain", names);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_NamesAndDescribesEveryOptionArgumentAndSubcommand(string name)
    {
        Command command = name.Length == 0
            ? PardonCli.CreateRootCommand(TextWriter.Null, TextWriter.Null)
            : PardonCli.CreateRootCommand(TextWriter.Null, TextWriter.Null).Subcommands.Single(c => c.Name == name);

        CliResult r = await Cli.RunAsync(name.Length == 0 ? ["--help"] : [name, "--help"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.False(string.IsNullOrWhiteSpace(command.Description), $"{name}: no description");
        Assert.Contains(command.Description!, r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Usage:", r.Stdout, StringComparison.Ordinal);
        foreach (Option option in command.Options.Where(o => !o.Hidden))
        {
            Assert.Contains(option.Name, r.Stdout, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{name} {option.Name}: no description");
        }

        foreach (Argument argument in command.Arguments.Where(a => !a.Hidden))
        {
            Assert.Contains("<" + argument.Name + ">", r.Stdout, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(argument.Description), $"{name} {argument.Name}: no description");
        }

        foreach (Command sub in command.Subcommands.Where(c => !c.Hidden))
        {
            Assert.Contains(sub.Name, r.Stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("rank", "--cgroup", "--json", "--all")]
    [InlineData("explain", "<PID>", "--cgroup", "--json")]
    public async Task Help_MentionsTheContractsOptions(string verb, params string[] expected)
    {
        CliResult r = await Cli.RunAsync(verb, "--help");

        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (string e in expected)
        {
            Assert.Contains(e, r.Stdout, StringComparison.Ordinal);
        }
    }
}
