// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Linux.Io;

namespace Pardon.Linux.Tests;

public sealed class ClockTests
{
    [Fact]
    public void ClockTicksPerSecond_IsUserHz()
    {
        Assert.Equal(100, Clock.ClockTicksPerSecond); // getconf CLK_TCK on Linux
    }

    [Fact]
    public void BootTimeMs_AgreesWithProcUptime()
    {
        long before = Clock.BootTimeMs();
        double uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
        long after = Clock.BootTimeMs();

        Assert.InRange((long)(uptime * 1000), before - 20, after + 20); // /proc/uptime has 10 ms resolution
        Assert.True(after >= before);
    }

    [Fact]
    public void StartTimeToMs_OwnStartTime_IsInThePast()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        ulong ticks = ulong.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);

        long startMs = Clock.StartTimeToMs(ticks);

        Assert.Equal((long)ticks * 10, startMs);
        Assert.InRange(startMs, 1, Clock.BootTimeMs());
    }
}
