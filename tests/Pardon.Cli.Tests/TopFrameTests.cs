// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.RegularExpressions;
using Pardon.Cli.Commands;
using Pardon.Core;
using Pardon.Daemon.Reports;

namespace Pardon.Cli.Tests;

/// <summary>The layout of a `pardon top` frame from a made-up ranking: fitting the screen, colours, hostile names.</summary>
public sealed partial class TopFrameTests
{
    private static TopSnapshot Snapshot(int processes, PressureLevel pressure = PressureLevel.None)
    {
        var list = new List<ProcessReport>();
        for (int i = 0; i < processes; i++)
        {
            list.Add(new ProcessReport
            {
                Pid = 1000 + i,
                Comm = i == 1 ? "evil\n\e[2Jname" : "proc" + i,
                Uid = 1000,
                User = "someone",
                RssKiB = (processes - i) * 1024L,
                GrowthKiB = i == 0 ? 512 : 0,
                OomScoreAdj = 0,
                OomScore = 500 - i,
                Eligible = true,
                KernelEligible = true,
                Pardoned = i == 2,
                Score = 1000 - i,
                Tier = i == 3 ? "preferred" : "normal",
                Unit = "process",
                Reasons = [],
            });
        }

        return new TopSnapshot
        {
            Report = new RankReport
            {
                Scope = new ScopeReport { Kind = "system", TotalPages = 4096, PageSize = 4096 },
                KernelVictim = 1001,
                Victim = 1000,
                Memory = new MemoryReport { TotalKiB = 1_048_576, AvailableKiB = 524_288, SwapTotalKiB = 0, SwapFreeKiB = 0 },
                Processes = list,
            },
            Thresholds = new Thresholds(MemoryLevel.FromPercent(10), MemoryLevel.FromPercent(5), MemoryLevel.FromPercent(10), MemoryLevel.FromPercent(5)),
            Levels = new ResolvedThresholds(104_857, 52_428, 0, 0),
            Pressure = pressure,
            DaemonNote = "daemon 42: 1 pardon in force",
            Time = new DateTime(2026, 1, 1, 12, 34, 56),
            Interval = TimeSpan.FromSeconds(1),
        };
    }

    [Theory]
    [InlineData(PressureLevel.Terminate)]
    [InlineData(PressureLevel.Kill)]
    public void Render_InAShortage_NamesTheVictimPlainly(PressureLevel pressure)
    {
        List<string> lines = TopFrame.Render(Snapshot(5, pressure), width: 0, height: 0, color: false);

        Assert.Equal("Pardon would kill: 1000 (proc0), 5 MiB, grew 512 KiB", lines[5]);
    }

    [Fact]
    public void Render_Plain_ShowsTheHeaderAndTheCandidatesInOrder()
    {
        List<string> lines = TopFrame.Render(Snapshot(5), width: 0, height: 0, color: false);

        Assert.Equal("pardon top: system; 12:34:56, every 1 s", lines[0]);
        Assert.Equal("memory  [#K#T##########..............] 50% available: 512 MiB of 1 GiB", lines[1]);
        Assert.Equal("swap    none", lines[2]);
        Assert.Equal("levels  now ok; SIGTERM at 102.4 MiB (10%), SIGKILL at 51.2 MiB (5%)", lines[3]);
        Assert.Equal("kernel would kill: 1001 (evil\\n\\x1b[2Jname), 4 MiB", lines[4]);
        Assert.Equal("Pardon would kill: nobody: no shortage; if one began now, 1000 (proc0), 5 MiB, grew 512 KiB", lines[5]);
        Assert.Equal("daemon 42: 1 pardon in force", lines[6]);
        Assert.Equal("", lines[7]);
        Assert.Matches(@"^ +PID +USER +NAME +RSS +GROWTH +ADJ +OOM_SCORE +SCORE +NOTES$", lines[8]);
        Assert.Matches(@"^ P +1000 +someone +proc0 +5 MiB +\+512 KiB +0 +500 +1000$", lines[9]);
        Assert.Matches(@"^K  +1001 +someone +evil\\n\\x1b\[2Jname +4 MiB +0 +499 +999$", lines[10]);
        Assert.EndsWith("pardoned", lines[11], StringComparison.Ordinal);
        Assert.EndsWith("preferred", lines[12], StringComparison.Ordinal);
        Assert.Equal(14, lines.Count);
        Assert.DoesNotContain(lines, l => l.Contains('\e', StringComparison.Ordinal));
    }

    [Fact]
    public void Render_Redirected_ListsTwentyAndSaysHowManyMore()
    {
        List<string> lines = TopFrame.Render(Snapshot(50), width: 0, height: 0, color: false);

        Assert.Equal("... 30 more; `pardon rank` lists them all", lines[^1]);
        Assert.Equal(TopFrame.DefaultRows, lines.Count(l => Regex.IsMatch(l, @"^[K ][P ] +\d+ ")));
    }

    [Theory]
    [InlineData(24, 80)]
    [InlineData(15, 50)]
    [InlineData(5, 20)]
    public void Render_OnATerminal_FitsItsHeightAndWidth(int height, int width)
    {
        List<string> lines = TopFrame.Render(Snapshot(50, PressureLevel.Kill), width, height, color: true);

        Assert.True(lines.Count <= Math.Max(height, 11), string.Join('\n', lines));
        Assert.All(lines, l => Assert.True(Sgr().Replace(l, "").Length <= width, l));
        Assert.Contains(lines, l => l.Contains("\e[7m", StringComparison.Ordinal));
        if (width >= 80)
        {
            Assert.Contains("q quits", Sgr().Replace(lines[0], ""), StringComparison.Ordinal);
        }

        if (height >= 15)
        {
            Assert.Contains(lines, l => Sgr().Replace(l, "").Contains("SIGKILL level reached", StringComparison.Ordinal));
            Assert.StartsWith("... ", lines[^1], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("abcdef", 3, "abc")]
    [InlineData("abc", 10, "abc")]
    [InlineData("a\e[31mbcdef\e[0m", 3, "a\e[31mbc\e[0m")]
    [InlineData("a\e[31mb\e[0mcdef", 2, "a\e[31mb\e[0m")]
    public void Fit_CountsVisibleColumnsOnly_AndClosesACutColour(string line, int width, string expected)
    {
        Assert.Equal(expected, TopFrame.Fit(line, width));
    }

    [GeneratedRegex("\e\\[[0-9;]*m")]
    private static partial Regex Sgr();
}
