// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Processes;

/// <summary>The signals Pardon sends (asm-generic/signal.h; the same on x86-64 and arm64).</summary>
public static class Signals
{
    /// <summary>Signal 0: checks that the process exists and may be signalled; delivers nothing.</summary>
    public const int None = 0;

    public const int SIGKILL = Interop.Libc.SIGKILL;

    public const int SIGTERM = Interop.Libc.SIGTERM;
}
