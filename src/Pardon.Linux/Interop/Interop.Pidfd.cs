// This file is part of Pardon, a userspace OOM killer for Linux.

internal static partial class Interop
{
    internal static partial class Libc
    {
        // include/uapi/linux/pidfd.h: PIDFD_NONBLOCK is O_NONBLOCK.
        internal const int PIDFD_NONBLOCK = O_NONBLOCK;

        /// <summary>pidfd_open(2), since Linux 5.3. Returns the fd or -1 with errno set.</summary>
        internal static int PidfdOpen(int pid, int flags)
            => (int)Syscall(SyscallNumbers.pidfd_open, pid, flags, 0, 0, 0);

        /// <summary>pidfd_send_signal(2) with no siginfo, since Linux 5.1: like kill(2) but bound to one process for life.</summary>
        internal static int PidfdSendSignal(int pidfd, int signal)
            => (int)Syscall(SyscallNumbers.pidfd_send_signal, pidfd, signal, 0, 0, 0);

        /// <summary>process_mrelease(2), since Linux 5.15: reap a dying process's memory now, not when it finishes exiting.</summary>
        internal static int ProcessMrelease(int pidfd)
            => (int)Syscall(SyscallNumbers.process_mrelease, pidfd, 0, 0, 0, 0);

        internal const int KCMP_VM = 1;

        /// <summary>kcmp(2) KCMP_VM: 0 when both processes share one mm (CLONE_VM), as a vfork child does.</summary>
        internal static int KcmpVm(int pid1, int pid2)
            => (int)Syscall(SyscallNumbers.kcmp, pid1, pid2, KCMP_VM, 0, 0);
    }
}
