// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

/// <summary>One device encoding: major in the high 32 bits, minor in the low, decoded the same way everywhere.</summary>
public sealed class FileIdentityTests
{
    [Theory]
    [InlineData(254u, 1u, 1234ul, 1_090_921_693_185ul, "254:1/1234", "device 254:1 inode 1234")] // docs/protocol.md's exe_dev
    [InlineData(8u, 3u, 99ul, 34_359_738_371ul, "8:3/99", "device 8:3 inode 99")]
    [InlineData(0u, 0x123456u, 5ul, 0x123456ul, "0:1193046/5", "device 0:1193046 inode 5")]   // minor above 255 (the old ">> 8" decoding lost it)
    [InlineData(0xffff_ffffu, 0xffff_ffffu, ulong.MaxValue, ulong.MaxValue, "4294967295:4294967295/18446744073709551615", "device 4294967295:4294967295 inode 18446744073709551615")]
    public void FromDevice_RoundTrips(uint major, uint minor, ulong inode, ulong device, string text, string described)
    {
        FileIdentity id = FileIdentity.FromDevice(major, minor, inode);

        Assert.Equal(device, id.Device);
        Assert.Equal(major, id.Major);
        Assert.Equal(minor, id.Minor);
        Assert.Equal(text, id.ToString());
        Assert.Equal(described, id.Describe());
        Assert.Equal(id, new FileIdentity(device, inode));
    }

    [Fact]
    public void Unknown_SaysSo()
    {
        Assert.Equal("unknown", default(FileIdentity).ToString());
        Assert.Equal("missing", default(FileIdentity).Describe());
    }
}
