// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.RegularExpressions;

namespace Pardon.Core.Tests;

public sealed class ProcessRuleTests
{
    private const int Any = -1;

    private static ProcessRule Rule(string? exe = null, string? cmdline = null, string? comm = null, int uid = Any, string? cgroup = null, string? user = null)
        => new()
        {
            Source = "protect[0]",
            Exe = exe,
            Cmdline = cmdline is null ? null : new Regex(cmdline),
            Comm = comm is null ? null : new Regex(comm),
            Uid = uid == Any ? null : (uint)uid,
            User = user,
            Cgroup = cgroup,
        };

    [Theory]
    [InlineData("/usr/bin/i3lock", "/usr/bin/i3lock", true)]
    [InlineData("/usr/bin/i3lock", "/usr/bin/i3lock-fancy", false)]                         // a glob, not a prefix
    [InlineData("/usr/lib/postgresql/*/bin/postgres", "/usr/lib/postgresql/15/bin/postgres", true)]
    [InlineData("/usr/lib/postgresql/*/bin/postgres", "/usr/lib/postgresql/15/bin/psql", false)]
    [InlineData("/usr/*", "/usr/lib/jvm/java-17/bin/java", true)]                          // '*' crosses '/'
    [InlineData("/usr/bin/python3.?", "/usr/bin/python3.9", true)]
    [InlineData("/usr/bin/python3.?", "/usr/bin/python3.11", false)]                       // '?' is one character
    [InlineData("/usr/bin/i3lock", "/usr/bin/i3lock (deleted)", true)]                     // upgraded under the running process
    [InlineData("/opt/a", "/opt/a (deleted)/bin", false)]                                  // only a trailing " (deleted)" is d_path's
    [InlineData("/usr/bin/I3LOCK", "/usr/bin/i3lock", false)]                              // paths are case-sensitive
    [InlineData("/usr/bin/i3lock", null, false)]                                           // unreadable exe: no exe rule applies
    [InlineData("*", null, false)]
    [InlineData("*", "/anything", true)]
    public void Matches_ExeGlob(string glob, string? exe, bool expected)
    {
        ProcessFacts p = TestProcess.Make(100, exe: exe);

        Assert.Equal(expected, Rule(exe: glob).Matches(p));
    }

    [Theory]
    [InlineData("cc1plus|rustc", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1plus -quiet main.cpp", true)]   // searched, not anchored
    [InlineData("cc1plus|rustc", "make -j8", false)]
    [InlineData("^rustc", "/usr/bin/rustc --edition=2021", false)]
    [InlineData("--edition=20[0-9]{2}$", "/usr/bin/rustc --edition=2021", true)]
    [InlineData("", "", true)]
    public void Matches_CmdlineRegex(string pattern, string cmdline, bool expected)
    {
        Assert.Equal(expected, Rule(cmdline: pattern).Matches(TestProcess.Make(100, cmdline: cmdline)));
    }

    [Theory]
    [InlineData("^Web Content$", "Web Content", true)]
    [InlineData("^Web Content$", "Web Content2", false)]
    [InlineData("chrom", "chromium-browse", true)]
    [InlineData("^(a\\) b \\()$", "a) b (", true)]                      // a hostile name is just text to a regex
    public void Matches_CommRegex(string pattern, string comm, bool expected)
    {
        Assert.Equal(expected, Rule(comm: pattern).Matches(TestProcess.Make(100, comm: comm)));
    }

    [Theory]
    [InlineData(1000, 1000, true)]
    [InlineData(1000, 0, false)]
    [InlineData(0, 0, true)]
    [InlineData(65534, 65535, false)]
    public void Matches_Uid(int ruleUid, int uid, bool expected)
    {
        Assert.Equal(expected, Rule(uid: ruleUid).Matches(TestProcess.Make(100, uid: (uint)uid)));
    }

    [Theory]
    [InlineData("/user.slice/*", "/user.slice/user-1000.slice/session-2.scope", true)]
    [InlineData("/system.slice/*.service", "/system.slice/postgresql.service", true)]
    [InlineData("/system.slice/*.service", "/system.slice/docker-1234.scope", false)]
    [InlineData("/user.slice/*", null, false)]                                           // no memory cgroup known
    [InlineData("/", "/", true)]
    public void Matches_CgroupGlob(string glob, string? cgroup, bool expected)
    {
        Assert.Equal(expected, Rule(cgroup: glob).Matches(TestProcess.Make(100, cgroup: cgroup)));
    }

    [Theory]
    [InlineData(true, true, true, true, true, true)]
    [InlineData(false, true, true, true, true, false)]
    [InlineData(true, false, true, true, true, false)]
    [InlineData(true, true, false, true, true, false)]
    [InlineData(true, true, true, false, true, false)]
    [InlineData(true, true, true, true, false, false)]
    public void Matches_EveryCriterion_MustHold(bool exeOk, bool cmdlineOk, bool commOk, bool uidOk, bool cgroupOk, bool expected)
    {
        ProcessRule rule = Rule(exe: "/usr/bin/i3lock", cmdline: "--nofork", comm: "^i3lock$", uid: 1000, cgroup: "/user.slice/*");
        ProcessFacts p = TestProcess.Make(
            100,
            exe: exeOk ? "/usr/bin/i3lock" : "/usr/bin/xlock",
            cmdline: cmdlineOk ? "i3lock --nofork -c 000000" : "i3lock -c 000000",
            comm: commOk ? "i3lock" : "xlock",
            uid: uidOk ? 1000u : 1001u,
            cgroup: cgroupOk ? "/user.slice/user-1000.slice" : "/system.slice");

        Assert.Equal(expected, rule.Matches(p));
    }

    [Fact]
    public void Matches_NoCriteria_MatchesAnyProcess()
    {
        ProcessFacts kthreadLike = TestProcess.Make(2, exe: null, cgroup: null, comm: "kthreadd", cmdline: "");

        Assert.True(Rule().Matches(kthreadLike));
        Assert.Equal("any process", Rule().Describe());
    }

    [Theory]
    [InlineData("/usr/bin/i3lock", null, null, 1000, null, null, "exe /usr/bin/i3lock, user 1000")]
    [InlineData(null, null, null, 1000, null, "alice", "user alice")]
    [InlineData(null, "cc1plus|rustc", null, Any, null, null, "cmdline ~ /cc1plus|rustc/")]
    [InlineData(null, null, "^Web Content$", Any, null, null, "comm ~ /^Web Content$/")]
    [InlineData(null, null, null, Any, "/user.slice/*", null, "cgroup /user.slice/*")]
    [InlineData("/usr/bin/x", "a", "b", 7, "/c", null, "exe /usr/bin/x, cmdline ~ /a/, comm ~ /b/, user 7, cgroup /c")]
    public void Describe_Criteria_ListsThemInOrder(string? exe, string? cmdline, string? comm, int uid, string? cgroup, string? user, string expected)
    {
        Assert.Equal(expected, Rule(exe, cmdline, comm, uid, cgroup, user).Describe());
    }

    [Theory]
    [InlineData("/usr/bin/i3lock (deleted)", "/usr/bin/i3lock")]
    [InlineData("/usr/bin/i3lock", "/usr/bin/i3lock")]
    [InlineData(" (deleted)", "")]
    [InlineData("/a (deleted) (deleted)", "/a (deleted)")]        // d_path appends it once; a file really named so keeps the rest
    public void StripDeleted_Suffix_IsRemovedOnce(string exe, string expected)
    {
        Assert.Equal(expected, ProcessRule.StripDeleted(exe));
    }
}
