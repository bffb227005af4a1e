// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary>/proc/PID/cgroup: "hierarchy-ID:controller-list:path" per line (cgroups(7)).</summary>
public sealed class CgroupLineParserTests
{
    [Theory]
    [InlineData(KernelSamples.CgroupHybrid, "/process_api/384bd3c45bcfb64871cffdfabbc58088", true)]         // this machine
    [InlineData("0::/user.slice/user-1000.slice/session-2.scope\n", "/user.slice/user-1000.slice/session-2.scope", false)]
    [InlineData("0::/\n", "/", false)]
    [InlineData("11:cpu,cpuacct,memory:/docker/4f2e\n1:name=systemd:/docker/4f2e\n", "/docker/4f2e", true)]
    [InlineData("4:memory,hugetlb:/kubepods/burstable/pod1\n", "/kubepods/burstable/pod1", true)]
    [InlineData("0::/init.scope\n4:memory:/system.slice/sshd.service\n", "/system.slice/sshd.service", true)]  // v1 memory wins over v2
    [InlineData("4:memory:/a\n0::/b\n", "/a", true)]
    [InlineData("3:cpu:/a\n1:name=systemd:/x\n0::/b\n", "/b", false)]                                        // memory not on v1: v2 holds it
    [InlineData("0::/weird:path:with:colons\n", "/weird:path:with:colons", false)]
    [InlineData("0::/no-newline", "/no-newline", false)]
    [InlineData("0::/first\n0::/second\n", "/first", false)]
    [InlineData("12:memory:/with space/and (parens)\n", "/with space/and (parens)", true)]
    public void TryParseMemoryCgroup_Lines_FindTheMemoryHierarchy(string text, string expectedPath, bool expectedV1)
    {
        byte[] bytes = Text.Bytes(text);

        Assert.True(ProcFs.TryParseMemoryCgroup(bytes, out Range path, out bool isV1));
        Assert.Equal(expectedPath, Text.Of(bytes.AsSpan()[path]));
        Assert.Equal(expectedV1, isV1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("1:name=systemd:/user.slice\n")]                 // a named hierarchy without controllers
    [InlineData("3:cpu:/a\n2:cpuacct:/a\n")]                     // v1 without memory and no v2 line
    [InlineData("4:memoryx:/a\n5:nomemory,cpu:/b\n")]             // controller names must match whole
    [InlineData("4:memory\n")]                                   // one colon only
    [InlineData("garbage\n")]
    [InlineData("1::/not-zero\n")]                               // only hierarchy 0 is v2
    public void TryParseMemoryCgroup_NoMemoryHierarchy_ReturnsFalse(string text)
    {
        Assert.False(ProcFs.TryParseMemoryCgroup(Text.Bytes(text), out _, out _));
    }
}
