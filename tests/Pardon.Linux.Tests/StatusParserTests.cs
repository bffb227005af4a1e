// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary>/proc/PID/status (fs/proc/array.c proc_pid_status(), task_mmu.c task_mem()).</summary>
public sealed class StatusParserTests
{
    [Fact]
    public void TryParseStatus_UserProcess_ReadsIdentityAndMemory()
    {
        byte[] bytes = Text.Bytes(KernelSamples.StatusCat);

        Assert.True(ProcFs.TryParseStatus(bytes, out ParsedStatus s));
        Assert.Equal("cat", Text.Of(bytes.AsSpan()[s.Name]));
        Assert.Equal('R', s.State);
        Assert.Equal(12320, s.Tgid);
        Assert.Equal(12317, s.PPid);
        Assert.Equal(0u, s.Uid);
        Assert.Equal(1688, s.VmRSS);
        Assert.Equal(116, s.RssAnon);
        Assert.Equal(1572, s.RssFile);
        Assert.Equal(0, s.RssShmem);
        Assert.Equal(0, s.VmSwap);
        Assert.Equal(48, s.VmPTE);
        Assert.Equal(1, s.Threads);
        Assert.Equal(0, s.Kthread);
        Assert.True(s.HasMm);
        Assert.Equal(s.VmRSS, s.RssAnon + s.RssFile + s.RssShmem); // task_mem(): VmRSS is their sum
    }

    [Theory]
    [InlineData(KernelSamples.StatusKthreadd, "kthreadd", 'S', 1)]   // no Vm lines at all
    [InlineData(KernelSamples.StatusZombie, "sleep", 'Z', 0)]        // a zombie has released its mm
    public void TryParseStatus_NoMm_HasMmFalse(string text, string name, char state, int kthread)
    {
        byte[] bytes = Text.Bytes(text);

        Assert.True(ProcFs.TryParseStatus(bytes, out ParsedStatus s));
        Assert.Equal(name, Text.Of(bytes.AsSpan()[s.Name]));
        Assert.Equal(state, s.State);
        Assert.Equal(kthread, s.Kthread);
        Assert.False(s.HasMm);
        Assert.Equal(0, s.VmRSS + s.RssAnon + s.RssFile + s.RssShmem + s.VmSwap + s.VmPTE);
    }

    [Theory]
    [InlineData(KernelSamples.StatusCat, true)]
    [InlineData(KernelSamples.StatusKthreadd, false)]
    [InlineData(KernelSamples.StatusZombie, false)]
    public void TryParseStatus_OlderKernelWithoutKthreadLine_KthreadIsUnknown(string text, bool hasMm)
    {
        string old = RemoveLine(text, "Kthread:");
        Assert.DoesNotContain("Kthread", old, StringComparison.Ordinal);

        Assert.True(ProcFs.TryParseStatus(Text.Bytes(old), out ParsedStatus s));
        Assert.Equal(-1, s.Kthread);
        Assert.Equal(hasMm, s.HasMm);
    }

    [Fact]
    public void TryParseStatus_BeforeRssAnon_NoMmIsAssumed()
    {
        // Kernels before 4.5 print VmRSS but not its parts; without RssAnon the parts are unknown.
        string old = RemoveLine(RemoveLine(RemoveLine(KernelSamples.StatusCat, "RssAnon:"), "RssFile:"), "RssShmem:");

        Assert.True(ProcFs.TryParseStatus(Text.Bytes(old), out ParsedStatus s));
        Assert.False(s.HasMm);
        Assert.Equal(1688, s.VmRSS);
    }

    [Theory]
    [InlineData("a\\nb")]            // the kernel's escape of a newline (real: a process run as "a<LF>b")
    [InlineData("back\\\\slash")]    // and of a backslash
    [InlineData("(a) b (")]
    [InlineData("x) R 1 2 3")]
    [InlineData("Web Content")]
    [InlineData("")]
    public void TryParseStatus_Name_IsTheEscapedTextVerbatim(string escaped)
    {
        string text = KernelSamples.StatusCat.Replace("Name:\tcat\n", $"Name:\t{escaped}\n", StringComparison.Ordinal);
        byte[] bytes = Text.Bytes(text);

        Assert.True(ProcFs.TryParseStatus(bytes, out ParsedStatus s));
        Assert.Equal(escaped, Text.Of(bytes.AsSpan()[s.Name]));
        Assert.Equal(12320, s.Tgid);
    }

    [Theory]
    [InlineData("Name:\t  spaces\n", "  spaces")]    // real: a process run as "  spaces" (the kernel does not escape spaces)
    [InlineData("Name:\t\ttab\n", "\ttab")]         // real: run as "<TAB>tab" (nor tabs: only '\n' and '\\')
    [InlineData("Name:\t \n", " ")]
    public void TryParseStatus_NameWithLeadingWhitespace_KeepsIt(string nameLine, string expected)
    {
        string text = KernelSamples.StatusCat.Replace("Name:\tcat\n", nameLine, StringComparison.Ordinal);
        byte[] bytes = Text.Bytes(text);

        Assert.True(ProcFs.TryParseStatus(bytes, out ParsedStatus s));
        Assert.Equal(expected, Text.Of(bytes.AsSpan()[s.Name]));
    }

    [Theory]
    [InlineData("Uid:\t1000\t1000\t1000\t1000\n", 1000u)]
    [InlineData("Uid:\t1000\t0\t0\t0\n", 1000u)]              // the real uid, even when setuid root
    [InlineData("Uid:\t65534\t65534\t65534\t65534\n", 65534u)]
    [InlineData("Uid:\t4294967294\t0\t0\t0\n", 4294967294u)]
    public void TryParseStatus_Uid_IsTheRealUid(string uidLine, uint expected)
    {
        string text = KernelSamples.StatusCat.Replace("Uid:\t0\t0\t0\t0\n", uidLine, StringComparison.Ordinal);

        Assert.True(ProcFs.TryParseStatus(Text.Bytes(text), out ParsedStatus s));
        Assert.Equal(expected, s.Uid);
    }

    [Theory]
    [InlineData("VmSwap:\t       0 kB\n", "VmSwap:\t  123456 kB\n", 123456)]
    [InlineData("VmPTE:\t      48 kB\n", "VmPTE:\t4 kB\n", 4)]
    public void TryParseStatus_MemoryLines_AreKiB(string from, string to, long expected)
    {
        string text = KernelSamples.StatusCat.Replace(from, to, StringComparison.Ordinal);

        Assert.True(ProcFs.TryParseStatus(Text.Bytes(text), out ParsedStatus s));
        Assert.Equal(expected, from.StartsWith("VmSwap", StringComparison.Ordinal) ? s.VmSwap : s.VmPTE);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("Name:\tcat\n")]                                   // no Uid
    [InlineData("Uid:\t0\t0\t0\t0\n")]                             // no Name
    [InlineData("Name:\tcat\nUid:\tx\t0\t0\t0\n")]
    [InlineData("Name:\tcat\nUid:\t0\nVmRSS:\t  abc kB\n")]
    [InlineData("Name:\tcat\nUid:\t0\nTgid:\t-\n")]
    [InlineData("Name:\tcat\nUid:\t0\nRssAnon:\t 12 MB\n")]
    [InlineData("Name:\tcat\nUid:\t0\nKthread:\tyes\n")]
    public void TryParseStatus_Malformed_ReturnsFalse(string text)
    {
        Assert.False(ProcFs.TryParseStatus(Text.Bytes(text), out _));
    }

    [Fact]
    public void TryParseStatus_MinimalAndUnknownLines_Parses()
    {
        byte[] bytes = Text.Bytes("no colon here\n:\nName:\tx\nFuture_field:\t???\nUid:\t7\t7\t7\t7");

        Assert.True(ProcFs.TryParseStatus(bytes, out ParsedStatus s));
        Assert.Equal("x", Text.Of(bytes.AsSpan()[s.Name]));
        Assert.Equal(7u, s.Uid);
        Assert.False(s.HasMm);
    }

    [Fact]
    public void TryParseStatus_EveryTruncation_NeverThrows()
    {
        byte[] full = Text.Bytes(KernelSamples.StatusCat);
        int uidEnd = KernelSamples.StatusCat.IndexOf("Uid:\t0", StringComparison.Ordinal) + "Uid:\t0".Length;
        for (int length = 0; length <= full.Length; length++)
        {
            bool ok = ProcFs.TryParseStatus(full.AsSpan(0, length), out _);
            if (length < uidEnd)
            {
                Assert.False(ok);
            }
        }
    }

    private static string RemoveLine(string text, string key)
    {
        int start = text.IndexOf("\n" + key, StringComparison.Ordinal) + 1;
        int end = text.IndexOf('\n', start);
        return text.Remove(start, end - start + 1);
    }

    [Theory]
    [InlineData("0000000000000000", "0000000000000000", false)]
    [InlineData("0000000000000100", "0000000000000000", true)]    // SIGKILL (9) is bit 8
    [InlineData("0000000000000000", "0000000000000100", true)]    // the thread group's shared set
    [InlineData("0000000000000002", "0000000000004000", false)]   // SIGINT, SIGTERM: not being killed
    public void TryParseStatus_SigKillPending_FromEitherPendingSet(string sigPnd, string shdPnd, bool expected)
    {
        string text = KernelSamples.StatusCat
            .Replace("SigPnd:\t0000000000000000", "SigPnd:\t" + sigPnd, StringComparison.Ordinal)
            .Replace("ShdPnd:\t0000000000000000", "ShdPnd:\t" + shdPnd, StringComparison.Ordinal);
        Assert.True(ProcFs.TryParseStatus(Text.Bytes(text), out ParsedStatus s));
        Assert.Equal(expected, s.SigKillPending);
    }
}
