// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using System.Diagnostics;

namespace Pardon.Cli.Tests;

/// <summary>
/// `pardon completions bash|zsh|fish`: scripts generated from the command tree name every visible command
/// and option; the bash one completes for real in bash (the package test loads the installed files too).
/// </summary>
public sealed class CompletionTests
{
    [Theory]
    [InlineData("bash")]
    [InlineData("zsh")]
    [InlineData("fish")]
    public async Task Script_NamesEveryVisibleCommandAndOption(string shell)
    {
        RootCommand root = PardonCli.CreateRootCommand(TextWriter.Null, TextWriter.Null);
        CliResult r = await Cli.RunAsync("completions", shell);

        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (Command command in root.Subcommands.Where(c => !c.Hidden))
        {
            Assert.Contains(command.Name, r.Stdout, StringComparison.Ordinal);
            foreach (Option option in command.Options.Where(o => !o.Hidden))
            {
                // fish spells long options without their dashes (-l dry-run).
                Assert.Contains(shell == "fish" ? "-l " + option.Name.TrimStart('-') : option.Name, r.Stdout, StringComparison.Ordinal);
            }
        }

        // The hidden command itself is offered nowhere (only the header comment names it).
        Assert.DoesNotContain(r.Stdout.Split('\n'), l => !l.StartsWith('#') && l.Contains("completions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownShell_IsAUsageError()
    {
        CliResult r = await Cli.RunAsync("completions", "tcsh");

        Assert.Equal(2, r.ExitCode);
    }

    [Theory]
    [InlineData("pardon|da", "daemon")]
    [InlineData("pardon|--ver", "--version")]
    [InlineData("pardon|daemon|--dr", "--dry-run")]
    [InlineData("pardon|daemon|--dry-run|--ev", "--events")]
    [InlineData("pardon|rank|--a", "--all")]
    [InlineData("pardon|request|--p", "--pid")]
    [InlineData("pardon|top|--int", "--interval")]
    public async Task Bash_CompletesCommandsAndTheirOwnFlags(string line, string expected)
    {
        string[] reply = await BashCompleteAsync(line.Split('|'));

        Assert.Equal([expected], reply);
    }

    [Fact]
    public async Task Bash_OffersOnlyTheCommandsOwnFlags()
    {
        string[] reply = await BashCompleteAsync(["pardon", "rank", "--"]);

        Assert.Contains("--json", reply);
        Assert.Contains("--cgroup", reply);
        Assert.Contains("--help", reply);
        Assert.DoesNotContain("--dry-run", reply);
        Assert.DoesNotContain("--pid", reply);
    }

    [Fact]
    public async Task Bash_CompletesValuesByKind()
    {
        // --cgroup takes a directory, explain a pid, run a command to run.
        Assert.Contains("/proc", await BashCompleteAsync(["pardon", "daemon", "--cgroup", "/pro"]));
        string[] pids = await BashCompleteAsync(["pardon", "explain", "1"]);
        Assert.Contains("1", pids);
        Assert.All(pids, p => Assert.True(p.All(char.IsAsciiDigit), p));
        Assert.Contains("bash", await BashCompleteAsync(["pardon", "run", "--", "bas"]));
        Assert.Empty(await BashCompleteAsync(["pardon", "daemon", "--term-below", "1"]));
    }

    /// <summary>Runs the generated script in bash with COMP_WORDS set as bash would, and returns COMPREPLY.</summary>
    private static async Task<string[]> BashCompleteAsync(string[] words)
    {
        CliResult script = await Cli.RunAsync("completions", "bash");
        Assert.True(script.ExitCode == 0, script.ToString());
        string file = Path.Combine(Path.GetTempPath(), $"pardon-completion-{Environment.ProcessId}-{Guid.NewGuid():N}.bash");
        await File.WriteAllTextAsync(file, script.Stdout);
        try
        {
            var start = new ProcessStartInfo("bash")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList =
                {
                    "-c",
                    "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _pardon; printf '%s\\n' \"${COMPREPLY[@]}\"",
                    "bash",
                    file,
                },
            };
            foreach (string word in words)
            {
                start.ArgumentList.Add(word);
            }

            using Process bash = Process.Start(start)!;
            Task<string> stdout = bash.StandardOutput.ReadToEndAsync();
            string stderr = await bash.StandardError.ReadToEndAsync();
            await bash.WaitForExitAsync();
            Assert.True(bash.ExitCode == 0 && stderr.Length == 0, $"bash exit {bash.ExitCode}: {stderr}");
            return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
