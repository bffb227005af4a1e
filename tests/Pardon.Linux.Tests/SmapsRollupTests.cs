// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using Pardon.Linux.Monitoring;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary>Locked memory as it really is: smaps_rollup's "Locked:", not VmLck (every reserved range under MCL_ONFAULT).</summary>
public sealed class SmapsRollupTests
{
    // Abridged from a `pardon daemon` under mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT), kernel 6.18;
    // its /proc/PID/status said "VmLck: 269637524 kB" (257 GiB) at the same moment.
    private const string DaemonRollup =
        "559a9b961000-7ffc2fa6b000 ---p 00000000 00:00 0                          [rollup]\n" +
        "Rss:               41236 kB\n" +
        "Pss:               39815 kB\n" +
        "Anonymous:         30112 kB\n" +
        "Swap:                  0 kB\n" +
        "SwapPss:               0 kB\n" +
        "Locked:            39815 kB\n";

    [Fact]
    public void Parse_Locked()
    {
        Assert.True(ProcFs.TryParseSmapsLocked(Encoding.ASCII.GetBytes(DaemonRollup), out long kib));
        Assert.Equal(39815, kib);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Rss: 12 kB\n")]
    [InlineData("Locked: lots\n")]
    public void Parse_MissingOrBroken_False(string text)
    {
        Assert.False(ProcFs.TryParseSmapsLocked(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void LockedKiB_OfThisProcess_IsAtMostItsRss()
    {
        long? locked = SelfProtection.LockedKiB();

        Assert.NotNull(locked);
        long rss = long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(locked!.Value, 0, rss);
    }

    [Fact]
    public void LockedKiB_NoFile_Null()
    {
        Assert.Null(SelfProtection.LockedKiB("/pardon-unit-test/missing/smaps_rollup"));
    }
}
