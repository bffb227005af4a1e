// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Scopes;

namespace Pardon.Core.Tests.Scopes;

/// <summary>Glob semantics of `--cgroup PATTERN`: `*` and `?` within one level, `**` across levels.</summary>
public sealed class CgroupPatternTests
{
    private static CgroupPattern Parse(string text)
    {
        Assert.True(CgroupPattern.TryParse(text, out CgroupPattern pattern, out string error), error);
        return pattern;
    }

    [Theory]
    [InlineData("/sys/fs/cgroup/memory/docker/*", "/sys/fs/cgroup/memory/docker/abc123", true)]
    [InlineData("/sys/fs/cgroup/memory/docker/*", "/sys/fs/cgroup/memory/docker", false)]             // not the parent
    [InlineData("/sys/fs/cgroup/memory/docker/*", "/sys/fs/cgroup/memory/docker/abc/child", false)]   // one level only
    [InlineData("/sys/fs/cgroup/system.slice/docker-*.scope", "/sys/fs/cgroup/system.slice/docker-0f1e.scope", true)]
    [InlineData("/sys/fs/cgroup/system.slice/docker-*.scope", "/sys/fs/cgroup/system.slice/docker.service", false)]
    [InlineData("/a/b?c", "/a/bxc", true)]
    [InlineData("/a/b?c", "/a/bc", false)]
    [InlineData("/a/*/c", "/a/x/c", true)]
    [InlineData("/a/*/c", "/a/x/y/c", false)]
    [InlineData("/k/kubepods.slice/**", "/k/kubepods.slice", false)]                                  // trailing **: inside only
    [InlineData("/k/kubepods.slice/**", "/k/kubepods.slice/kubepods-besteffort.slice", true)]
    [InlineData("/k/kubepods.slice/**", "/k/kubepods.slice/a/b/c/d", true)]
    [InlineData("/a/**/b", "/a/b", true)]                                                             // middle **: zero levels too
    [InlineData("/a/**/b", "/a/x/b", true)]
    [InlineData("/a/**/b", "/a/x/y/b", true)]
    [InlineData("/a/**/b", "/a/x/y/c", false)]
    [InlineData("/a/**/b/*", "/a/b/z", true)]
    [InlineData("/a/**/b/*", "/a/q/b/z", true)]
    [InlineData("/a/**/b/*", "/a/q/b", false)]
    [InlineData("/a/**/**/b", "/a/b", true)]
    [InlineData("/plain/dir", "/plain/dir", true)]
    [InlineData("/plain/dir", "/plain/dir/sub", false)]
    [InlineData("/plain//dir/", "/plain/dir", true)]                                                  // normalised
    public void Matches_FollowsTheGlobRules(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, Parse(pattern).Matches(path));
    }

    [Theory]
    [InlineData("/sys/fs/cgroup/memory/docker/*", "/sys/fs/cgroup/memory/docker", 5, true)]
    [InlineData("/sys/fs/cgroup/memory/mygroup", "/sys/fs/cgroup/memory/mygroup", 5, false)]
    [InlineData("/a/*/b/**", "/a", 1, true)]
    [InlineData("/**", "/", 0, true)]
    public void LiteralPrefix_IsWhereTheWalkStarts(string pattern, string prefix, int literalCount, bool isGlob)
    {
        CgroupPattern p = Parse(pattern);

        Assert.Equal(prefix, p.LiteralPrefix);
        Assert.Equal(literalCount, p.LiteralCount);
        Assert.Equal(isGlob, p.IsGlob);
    }

    [Fact]
    public void Walk_StatesSayWhatToReportAndWhatToWatch()
    {
        CgroupPattern p = Parse("/cg/*/work/*");
        ulong atPrefix = p.PrefixState;
        Assert.False(p.IsMatch(atPrefix));
        Assert.True(p.CanDescend(atPrefix));           // watch /cg: a new first-level cgroup could lead to a match

        ulong pod = p.Advance(atPrefix, "pod1");
        Assert.True(p.CanDescend(pod));
        Assert.Equal(0ul, p.Advance(pod, "other"));     // /cg/pod1/other: nothing below it can match: not walked
        ulong work = p.Advance(pod, "work");
        Assert.False(p.IsMatch(work));
        ulong job = p.Advance(work, "job7");
        Assert.True(p.IsMatch(job));
        Assert.False(p.CanDescend(job));               // matched, and nothing deeper can match: not watched
    }

    [Fact]
    public void DeepWalk_EveryLevelIsReportedAndWatched()
    {
        CgroupPattern p = Parse("/k/**");
        ulong state = p.PrefixState;
        Assert.False(p.IsMatch(state));
        foreach (string level in (string[])["a", "b", "c"])
        {
            state = p.Advance(state, level);
            Assert.True(p.IsMatch(state));
            Assert.True(p.CanDescend(state));
        }
    }

    [Theory]
    [InlineData("relative/path")]
    [InlineData("")]
    [InlineData("/a/../b")]
    [InlineData("/a/./b")]
    [InlineData("/a/x**/b")]
    public void TryParse_RefusesWithAMessage(string text)
    {
        Assert.False(CgroupPattern.TryParse(text, out _, out string error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("*.scope", "docker-1.scope", true)]
    [InlineData("*.scope", "docker-1.scopex", false)]
    [InlineData("pod????", "pod1234", true)]
    [InlineData("pod????", "pod123", false)]
    public void Glob_OneComponent(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, CgroupPattern.Glob(pattern, name));
    }
}
