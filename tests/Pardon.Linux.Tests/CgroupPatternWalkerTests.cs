// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Scopes;
using Pardon.Linux.Cgroups;

namespace Pardon.Linux.Tests;

/// <summary>What a `--cgroup` pattern matches in a tree, and which directories the registry watches for it.</summary>
public sealed class CgroupPatternWalkerTests : IDisposable
{
    private readonly TempTree _tree = new();

    public CgroupPatternWalkerTests()
    {
        // A Docker-like v1 tree and a kubelet-like (systemd driver) v2 tree.
        foreach (string dir in (string[])
        [
            "memory/docker/aaa", "memory/docker/bbb/child", "memory/user.slice",
            "unified/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-c1.scope",
            "unified/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod2.slice/cri-containerd-c2.scope",
            "unified/system.slice/docker-0f1e.scope", "unified/system.slice/docker.service", "unified/system.slice/ssh.service",
        ])
        {
            _tree.CreateDirectory(dir);
        }
    }

    public void Dispose() => _tree.Dispose();

    private string P(string relative) => _tree.PathOf(relative);

    private (string[] Matches, string[] Watched) Walk(string relativePattern)
    {
        Assert.True(CgroupPattern.TryParse(P(relativePattern), out CgroupPattern pattern, out string error), error);
        var matches = new HashSet<string>();
        var watch = new HashSet<string>();
        CgroupPatternWalker.Walk(pattern, matches, watch);
        return ([.. matches.Order(StringComparer.Ordinal)], [.. watch.Order(StringComparer.Ordinal)]);
    }

    [Fact]
    public void OneLevelGlob_MatchesChildrenOnly_WatchesTheirParent()
    {
        (string[] matches, string[] watched) = Walk("memory/docker/*");

        Assert.Equal([P("memory/docker/aaa"), P("memory/docker/bbb")], matches);
        Assert.Equal([P("memory/docker")], watched);
    }

    [Fact]
    public void GlobInAName_MatchesOnlyThoseNames()
    {
        (string[] matches, _) = Walk("unified/system.slice/docker-*.scope");

        Assert.Equal([P("unified/system.slice/docker-0f1e.scope")], matches);
    }

    [Fact]
    public void DeepGlob_MatchesEverythingInside_AndWatchesEveryLevel()
    {
        (string[] matches, string[] watched) = Walk("unified/kubepods.slice/**");

        Assert.Equal(6, matches.Length);
        Assert.DoesNotContain(P("unified/kubepods.slice"), matches);
        Assert.Contains(P("unified/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod2.slice/cri-containerd-c2.scope"), matches);
        Assert.Contains(P("unified/kubepods.slice"), watched);
        Assert.Contains(P("unified/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice"), watched);
        Assert.Equal(7, watched.Length); // the base and every directory below it: a pod or container may appear anywhere
    }

    [Fact]
    public void DeepGlobThenName_FindsContainersAtAnyDepth_ListingNoMoreThanNeeded()
    {
        (string[] matches, _) = Walk("unified/**/cri-containerd-*.scope");

        Assert.Equal(
        [
            P("unified/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-c1.scope"),
            P("unified/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod2.slice/cri-containerd-c2.scope"),
        ], matches);
    }

    [Fact]
    public void PlainDirectory_MatchesItself_WatchesItsParent()
    {
        (string[] matches, string[] watched) = Walk("memory/user.slice");

        Assert.Equal([P("memory/user.slice")], matches);
        Assert.Equal([P("memory")], watched);
    }

    [Fact]
    public void MissingPrefix_NoMatch_WatchesTheDeepestExistingAncestor()
    {
        (string[] matches, string[] watched) = Walk("memory/podman/libpod/*");

        Assert.Empty(matches);
        Assert.Equal([P("memory")], watched);
    }

    [Fact]
    public void CgroupMadeLater_IsFoundByTheNextWalk()
    {
        Assert.Equal(2, Walk("memory/docker/*").Matches.Length);

        _tree.CreateDirectory("memory/docker/ccc");
        _tree.Delete("memory/docker/aaa");

        Assert.Equal([P("memory/docker/bbb"), P("memory/docker/ccc")], Walk("memory/docker/*").Matches);
    }
}
