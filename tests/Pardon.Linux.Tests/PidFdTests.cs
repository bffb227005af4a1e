// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Processes;

namespace Pardon.Linux.Tests;

/// <summary>pidfd_open / pidfd_send_signal / process_mrelease on a child this test starts and kills by pid.</summary>
public sealed class PidFdTests
{
    [Fact]
    public void TryOpen_RightStartTime_OpensAndKills()
    {
        using var child = new ChildProcess();
        ulong start = child.StartTime;

        using PidFd? pidfd = PidFd.TryOpen(child.Pid, start, out int errno);

        Assert.NotNull(pidfd);
        Assert.Equal(0, errno);
        Assert.Equal(child.Pid, pidfd.Pid);
        Assert.Equal(start, pidfd.StartTime);
        Assert.True(pidfd.Fd >= 0);
        Assert.False(pidfd.HasExited);
        Assert.False(pidfd.WaitForExit(50));
        Assert.Equal(0, pidfd.SendSignal(0)); // signal 0: the process is there

        Assert.Equal(0, pidfd.SendSignal(Interop.Libc.SIGKILL));

        Assert.True(pidfd.WaitForExit(5000));
        Assert.True(pidfd.HasExited);
        Assert.Equal("Z", WaitForState(child, "Z", "X", "gone"));
    }

    [Fact]
    public void TryOpen_NoExpectedStartTime_OpensWhateverHasThePid()
    {
        using var child = new ChildProcess();

        using PidFd? pidfd = PidFd.TryOpen(child.Pid, null, out int errno);

        Assert.NotNull(pidfd);
        Assert.Equal(0, errno);
        Assert.Equal(child.StartTime, pidfd.StartTime);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(100)]
    public void TryOpen_WrongStartTime_IsRefused(long offset)
    {
        using var child = new ChildProcess();

        PidFd? pidfd = PidFd.TryOpen(child.Pid, (ulong)((long)child.StartTime + offset), out int errno);

        Assert.Null(pidfd);
        Assert.Equal(Interop.Errno.ESRCH, errno);
        Assert.Equal("S", WaitForState(child, "S")); // refused, and not signalled either
    }

    [Fact]
    public void TryOpen_NoSuchPid_Esrch()
    {
        Assert.Null(PidFd.TryOpen(int.MaxValue, null, out int errno));
        Assert.Equal(Interop.Errno.ESRCH, errno);
    }

    [Fact]
    public void ReleaseMemory_ProcessNotDying_Einval()
    {
        // mm/oom_kill.c process_mrelease(): "if (!task_will_free_mem(task)) ... -EINVAL" — only a process with
        // SIGKILL pending may be reaped. A right answer also proves the syscall number.
        using var child = new ChildProcess();
        using PidFd pidfd = PidFd.TryOpen(child.Pid, child.StartTime, out _)!;

        Assert.Equal(-Interop.Errno.EINVAL, pidfd.ReleaseMemory());
        Assert.False(pidfd.HasExited);
    }

    [Fact]
    public void KcmpVm_SameAndOtherProcess_ComparesMemory()
    {
        using var child = new ChildProcess();
        int self = Environment.ProcessId;

        Assert.Equal(0, Interop.Libc.KcmpVm(self, self));
        Assert.NotEqual(0, Interop.Libc.KcmpVm(self, child.Pid)); // 1 or 2: ordered, but another mm
        Assert.InRange(Interop.Libc.KcmpVm(self, child.Pid), 1, 2);
    }

    private static string WaitForState(ChildProcess child, params string[] accepted)
    {
        for (int i = 0; i < 500; i++)
        {
            string state;
            try
            {
                state = child.StatFields()[0];
            }
            catch (IOException)
            {
                state = "gone"; // reaped already
            }

            if (accepted.Contains(state))
            {
                return accepted[0];
            }

            Thread.Sleep(10);
        }

        return "timeout";
    }
}
