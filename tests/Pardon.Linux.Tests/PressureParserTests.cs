// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary>PSI files (Documentation/accounting/psi.rst): "some avg10=… avg60=… avg300=… total=…" and "full …".</summary>
public sealed class PressureParserTests
{
    [Theory]
    [InlineData(KernelSamples.PressureCpu, 20.74, 43.80, 31.54, 244649764ul, 0.0, 0.0, 0.0, 0ul)]
    [InlineData(KernelSamples.PressureIo, 0.0, 0.0, 0.02, 19619369ul, 0.0, 0.0, 0.02, 19258408ul)]
    [InlineData(KernelSamples.PressureMemory, 0.0, 0.0, 0.0, 621ul, 0.0, 0.0, 0.0, 169ul)]
    public void TryParsePressure_RealSamples_ReadSomeAndFull(
        string text, double s10, double s60, double s300, ulong sTotal, double f10, double f60, double f300, ulong fTotal)
    {
        Assert.True(ProcFs.TryParsePressure(Text.Bytes(text), out ParsedPressure p));
        Assert.Equal(s10, p.SomeAvg10);
        Assert.Equal(s60, p.SomeAvg60);
        Assert.Equal(s300, p.SomeAvg300);
        Assert.Equal(sTotal, p.SomeTotalUs);
        Assert.True(p.HasFull);
        Assert.Equal(f10, p.FullAvg10);
        Assert.Equal(f60, p.FullAvg60);
        Assert.Equal(f300, p.FullAvg300);
        Assert.Equal(fTotal, p.FullTotalUs);
    }

    [Fact]
    public void TryParsePressure_WithoutFullLine_HasFullFalse()
    {
        // /proc/pressure/cpu before 5.13 had no "full" line.
        Assert.True(ProcFs.TryParsePressure(Text.Bytes("some avg10=1.50 avg60=0.25 avg300=0.05 total=123456\n"), out ParsedPressure p));
        Assert.False(p.HasFull);
        Assert.Equal(1.50, p.SomeAvg10);
        Assert.Equal(123456ul, p.SomeTotalUs);
        Assert.Equal(0.0, p.FullAvg10);
    }

    [Fact]
    public void TryParsePressure_UnknownKeysAndLines_AreIgnored()
    {
        const string text = "# comment\nsome avg10=3.00 avg600=9.99 avg60=2.00 avg300=1.00 total=5 extra\nfull avg10=100.00 avg60=99.50 avg300=98.25 total=18446744073709551615";

        Assert.True(ProcFs.TryParsePressure(Text.Bytes(text), out ParsedPressure p));
        Assert.Equal(3.0, p.SomeAvg10);
        Assert.Equal(2.0, p.SomeAvg60);
        Assert.Equal(1.0, p.SomeAvg300);
        Assert.Equal(100.0, p.FullAvg10);
        Assert.Equal(ulong.MaxValue, p.FullTotalUs);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")]      // "some" is required
    [InlineData("some avg10=abc avg60=0.00 avg300=0.00 total=0\n")]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00 total=-5\n")]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00 total=1.5\n")]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=x\n")]
    [InlineData("SOME avg10=0.00 total=0\n")]
    public void TryParsePressure_Malformed_ReturnsFalse(string text)
    {
        Assert.False(ProcFs.TryParsePressure(Text.Bytes(text), out _));
    }
}
