// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary>/proc/PID/stat (proc_pid_stat(5)): the comm runs from the first '(' to the LAST ')'.</summary>
public sealed class StatParserTests
{
    [Theory]
    [InlineData(KernelSamples.StatCat, 12321, "cat", 'R', 12317, 12317, 5714, 4194304u, 0ul, 0ul, 1L, 149154ul, 3133440ul, 389L)]
    [InlineData(KernelSamples.StatInit, 1, "process_api", 'S', 0, 0, 0, 4194560u, 127ul, 317ul, 13L, 12ul, 43917312ul, 3370L)]
    [InlineData(KernelSamples.StatKthreadd, 2, "kthreadd", 'S', 0, 0, 0, 2129984u, 0ul, 0ul, 1L, 12ul, 0ul, 0L)]
    [InlineData(KernelSamples.StatZombie, 12336, "sleep", 'Z', 12334, 12317, 5714, 4227084u, 0ul, 0ul, 1L, 149158ul, 0ul, 0L)]
    [InlineData(KernelSamples.StatHostileParens, 12132, "(a) b (", 'S', 12131, 12123, 5714, 4194304u, 0ul, 0ul, 1L, 148343ul, 2990080ul, 403L)]
    [InlineData(KernelSamples.StatHostileNewline, 12133, "a\nb", 'S', 12131, 12123, 5714, 4194304u, 0ul, 0ul, 1L, 148343ul, 2990080ul, 442L)]
    [InlineData(KernelSamples.StatHostileFields, 12134, "x) R 1 2 3", 'S', 12131, 12123, 5714, 4194304u, 0ul, 0ul, 1L, 148343ul, 2990080ul, 414L)]
    [InlineData(KernelSamples.StatHostileBackslash, 12136, "back\\slash", 'S', 12131, 12123, 5714, 4194304u, 0ul, 0ul, 1L, 148343ul, 2990080ul, 389L)]
    public void TryParseStat_RealSamples_ParseEveryField(
        string text, int pid, string comm, char state, int ppid, int pgrp, int session, uint flags,
        ulong utime, ulong stime, long threads, ulong starttime, ulong vsize, long rss)
    {
        byte[] bytes = Text.Bytes(text);

        Assert.True(ProcFs.TryParseStat(bytes, out ParsedStat s));
        Assert.Equal(pid, s.pid);
        Assert.Equal(comm, Text.Of(bytes.AsSpan()[s.comm]));
        Assert.Equal(state, s.state);
        Assert.Equal(ppid, s.ppid);
        Assert.Equal(pgrp, s.pgrp);
        Assert.Equal(session, s.session);
        Assert.Equal(flags, s.flags);
        Assert.Equal(utime, s.utime);
        Assert.Equal(stime, s.stime);
        Assert.Equal(threads, s.num_threads);
        Assert.Equal(starttime, s.starttime);
        Assert.Equal(vsize, s.vsize);
        Assert.Equal(rss, s.rss);
    }

    [Theory]
    [InlineData(KernelSamples.StatKthreadd, true)]     // 0x208040
    [InlineData(KernelSamples.StatCat, false)]         // 0x400000 = PF_RANDOMIZE only
    [InlineData(KernelSamples.StatInit, false)]
    [InlineData(KernelSamples.StatZombie, false)]      // 0x40800c: exiting, but not a kernel thread
    public void TryParseStat_Flags_MarkKernelThreads(string text, bool kernelThread)
    {
        Assert.True(ProcFs.TryParseStat(Text.Bytes(text), out ParsedStat s));
        Assert.Equal(kernelThread, (s.flags & ParsedStat.PF_KTHREAD) != 0);
        Assert.Equal(0x00200000u, ParsedStat.PF_KTHREAD);
    }

    [Theory]
    [InlineData("(a) b (")]
    [InlineData(")")]
    [InlineData("(")]
    [InlineData("a)(b")]
    [InlineData("a\nb")]
    [InlineData("\n")]
    [InlineData("a b c")]
    [InlineData("  ")]
    [InlineData("")]
    [InlineData("((")]
    [InlineData("))")]
    [InlineData(") S 1 2 3 4 5 6")]
    [InlineData("x) R 99 99 99 0 -1 2097152 0 0")]     // pretends to be a kernel thread
    [InlineData("123456789012345")]                      // TASK_COMM_LEN - 1
    [InlineData("kworker/0:1H-kblockd")]                 // kernel threads print longer names
    [InlineData("back\\slash")]
    [InlineData("tab\there")]
    public void TryParseStat_HostileComm_FieldsStillRight(string comm)
    {
        string line = $"4242 ({comm}) S 1 4242 4242 0 -1 4194304 10 0 0 0 5 7 0 0 20 0 3 0 98765 1048576 250 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
        byte[] bytes = Text.Bytes(line);

        Assert.True(ProcFs.TryParseStat(bytes, out ParsedStat s));
        Assert.Equal(4242, s.pid);
        Assert.Equal(comm, Text.Of(bytes.AsSpan()[s.comm]));
        Assert.Equal('S', s.state);
        Assert.Equal(1, s.ppid);
        Assert.Equal(4194304u, s.flags);
        Assert.Equal(0u, s.flags & ParsedStat.PF_KTHREAD);
        Assert.Equal(5ul, s.utime);
        Assert.Equal(7ul, s.stime);
        Assert.Equal(3, s.num_threads);
        Assert.Equal(98765ul, s.starttime);
        Assert.Equal(250, s.rss);
    }

    [Fact]
    public void TryParseStat_Utf8Comm_RangeHoldsTheRawBytes()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("77 (café ☕) S 1 77 77 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 5 6 7\n");

        Assert.True(ProcFs.TryParseStat(bytes, out ParsedStat s));
        Assert.Equal("café ☕", Encoding.UTF8.GetString(bytes.AsSpan()[s.comm]));
        Assert.Equal(7, s.rss);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("12321")]
    [InlineData("12321 (cat")]                                       // no ')'
    [InlineData("12321 (cat)")]
    [InlineData("12321 (cat) R")]
    [InlineData("12321 (cat) R 12317 12317 5714 0 -1 4194304 114 0 0 0 0 0 0 0 20 0 1 0 149154 3133440")] // rss missing
    [InlineData("(cat) R 12317 12317 5714 0 -1 4194304 114 0 0 0 0 0 0 0 20 0 1 0 149154 3133440 389")]   // no pid
    [InlineData("abc (cat) R 12317 12317 5714 0 -1 4194304 114 0 0 0 0 0 0 0 20 0 1 0 149154 3133440 389")]
    [InlineData("12321 (cat) RR 12317 12317 5714 0 -1 4194304 114 0 0 0 0 0 0 0 20 0 1 0 149154 3133440 389")]
    [InlineData("12321 (cat) R x 12317 5714 0 -1 4194304 114 0 0 0 0 0 0 0 20 0 1 0 149154 3133440 389")]
    [InlineData("12321 (cat) R 12317 12317 5714 0 -1 -4194304 114 0 0 0 0 0 0 0 20 0 1 0 149154 3133440 389")] // flags are unsigned
    [InlineData("12321 (cat) R 12317 12317 5714 0 -1 4194304 114 0 0 0 0 0 0 0 20 0 1 0 -149154 3133440 389")]
    [InlineData("12321 )cat( R 12317 12317 5714 0 -1 4194304 114 0 0 0 0 0 0 0 20 0 1 0 149154 3133440 389")]
    [InlineData("99999999999 (cat) R 12317 12317 5714 0 -1 4194304 114 0 0 0 0 0 0 0 20 0 1 0 149154 3133440 389")] // pid overflows int
    [InlineData("12321\t(cat) R 12317 12317 5714 0 -1 4194304 114 0 0 0 0 0 0 0 20 0 1 0 149154 3133440 389")]
    public void TryParseStat_Malformed_ReturnsFalse(string text)
    {
        Assert.False(ProcFs.TryParseStat(Text.Bytes(text), out _));
    }

    [Fact]
    public void TryParseStat_EveryTruncation_NeverThrowsAndFailsBeforeRss()
    {
        byte[] full = Text.Bytes(KernelSamples.StatHostileFields);
        int rssStart = KernelSamples.StatHostileFields.IndexOf(" 414 ", StringComparison.Ordinal) + 1;
        for (int length = 0; length <= full.Length; length++)
        {
            bool ok = ProcFs.TryParseStat(full.AsSpan(0, length), out ParsedStat s);
            Assert.Equal(length > rssStart, ok);
            if (ok)
            {
                Assert.Equal("x) R 1 2 3", Text.Of(full.AsSpan(0, length)[s.comm]));
            }
        }
    }

    [Fact]
    public void TryParseStat_MajorFaults_AreField12()
    {
        // minflt 114, cminflt 0, majflt 41377, cmajflt 9: only the process's own major faults count.
        string text = KernelSamples.StatCat.Replace("4194304 114 0 0 0 ", "4194304 114 0 41377 9 ", StringComparison.Ordinal);
        Assert.True(ProcFs.TryParseStat(Text.Bytes(text), out ParsedStat s));
        Assert.Equal(41377ul, s.majflt);
        Assert.True(ProcFs.TryParseStat(Text.Bytes(KernelSamples.StatInit), out s));
        Assert.Equal(0ul, s.majflt);
    }
}
