// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using Pardon.Linux.Logging;

namespace Pardon.Linux.Tests;

/// <summary>JOURNAL_STREAM ("DEV:INODE" as systemd prints st_dev and st_ino) against a real descriptor.</summary>
public sealed class JournalStreamTests
{
    [Fact]
    public void Matches_TheDescriptorsOwnDeviceAndInode_IsTrue_AnythingElseFalse()
    {
        string path = Path.GetTempFileName();
        try
        {
            using FileStream file = File.OpenRead(path);
            int fd = (int)file.SafeFileHandle.DangerousGetHandle();

            // coreutils' stat prints st_dev in glibc's dev_t encoding, as systemd does.
            string value = Run("stat", "-c", "%d:%i", path).Trim();
            Assert.True(JournalStream.Matches(value, fd), value);

            Assert.True(JournalStream.TryParse(value, out ulong dev, out ulong ino));
            Assert.False(JournalStream.Matches($"{dev}:{ino + 1}", fd));
            Assert.False(JournalStream.Matches($"{dev + 1}:{ino}", fd));
            Assert.False(JournalStream.Matches(null, fd));
            Assert.False(JournalStream.Matches("garbage", fd));
            Assert.False(JournalStream.Matches(":5", fd));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(2049UL, 8U, 1U)]
    [InlineData(66307UL, 259U, 3U)]
    [InlineData(1050668UL, 8U, 300U)]
    [InlineData(0x0000100000000000UL, 4096U, 0U)]
    public void MajorMinor_DecodeGlibcsEncoding(ulong dev, uint major, uint minor)
    {
        Assert.Equal(major, JournalStream.Major(dev));
        Assert.Equal(minor, JournalStream.Minor(dev));
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
