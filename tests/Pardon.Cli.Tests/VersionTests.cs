// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Xml.Linq;
using Pardon.Daemon;
using Pardon.Daemon.Service;

namespace Pardon.Cli.Tests;

/// <summary>One version everywhere: Directory.Build.props is the only place it is written.</summary>
public sealed class VersionTests
{
    private static string PropsVersion()
    {
        XDocument props = XDocument.Load(RepositoryFile.PathOf("Directory.Build.props"));
        XElement version = Assert.Single(props.Descendants("Version"));
        return version.Value.Trim();
    }

    [Fact]
    public async Task VersionOption_SaysDirectoryBuildPropsVersion()
    {
        // The real executable (built beside the tests): System.CommandLine reads the entry assembly's version,
        // which in-process would be the test host's.
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "pardon"), "--version") { RedirectStandardOutput = true };
        using Process pardon = Process.Start(start)!;
        string stdout = await pardon.StandardOutput.ReadToEndAsync();
        await pardon.WaitForExitAsync();

        Assert.Equal(0, pardon.ExitCode);
        Assert.Equal(PropsVersion() + "\n", stdout);
    }

    [Fact]
    public void Daemon_ReportsTheSameVersion()
    {
        // The start event and `pardon status` carry PardonDaemon.Version.
        Assert.Equal(PropsVersion(), PardonDaemon.Version);
        Assert.Equal(PropsVersion(), BuildInfo.Version);
    }

    [Theory]
    [InlineData("bash")]
    [InlineData("zsh")]
    [InlineData("fish")]
    public async Task Completions_NameTheVersionTheyWereGeneratedFrom(string shell)
    {
        CliResult r = await Cli.RunAsync("completions", shell);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"Pardon {PropsVersion()}\n", r.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("packaging/man/pardon.8.scd")]
    [InlineData("packaging/man/pardon.jsonc.5.scd")]
    public void ManPages_TakeTheVersionAtBuildTime(string page)
    {
        // scripts/package-deb replaces the placeholder with `pardon --version`; no version is written in the page.
        string header = RepositoryFile.Read(page).Split('\n')[0];

        Assert.Contains("\"Pardon @VERSION@\"", header, StringComparison.Ordinal);
    }
}
