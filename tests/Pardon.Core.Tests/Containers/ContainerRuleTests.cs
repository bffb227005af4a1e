// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Containers;

namespace Pardon.Core.Tests.Containers;

public sealed class ContainerRuleTests
{
    private const string Id = "4f1c9d7a0b2e8c6d5f3a1b9e7c0d2f4a6b8c1e3d5f7a9b0c2d4e6f8a1b3c5d7e";

    [Theory]
    [InlineData("*", "/system.slice/docker-" + Id + ".scope", true)]
    [InlineData("*", "/system.slice/nginx.service", false)]
    [InlineData("*", null, false)]
    [InlineData("4f1c9d7a0b2e", "/docker/" + Id, true)]          // the short id, as `docker ps` shows it
    [InlineData(Id, "/docker/" + Id, true)]
    [InlineData("4f1c*", "/docker/" + Id, true)]
    [InlineData("9e8d*", "/docker/" + Id, false)]
    public void Container_GlobOverTheId(string glob, string? cgroup, bool matches)
    {
        var rule = new ProcessRule { Source = "units[0]", Container = glob, Unit = KillUnit.Cgroup };
        Assert.Equal(matches, rule.Matches(TestProcess.Make(10, cgroup: cgroup)));
    }

    [Theory]
    [InlineData("/kubepods/besteffort/pod0a1b2c3d-4e5f-6789-abcd-ef0123456789/" + Id, 1000, QosClass.BestEffort, true)]
    [InlineData("/kubepods/besteffort/pod0a1b2c3d-4e5f-6789-abcd-ef0123456789/" + Id, 1000, QosClass.Burstable, false)]
    [InlineData("/system.slice/nginx.service", 1000, QosClass.BestEffort, false)]
    public void Qos_TheProcessesClass(string cgroup, short adj, QosClass qos, bool matches)
    {
        var rule = new ProcessRule { Source = "prefer[0]", Qos = qos };
        Assert.Equal(matches, rule.Matches(TestProcess.Make(10, adj: adj, cgroup: cgroup)));
    }

    [Fact]
    public void Describe_NamesTheNewCriteria()
    {
        var rule = new ProcessRule { Source = "units[0]", Container = "*", Qos = QosClass.Guaranteed };
        Assert.Equal("container *, qos Guaranteed", rule.Describe());
    }
}
