// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

namespace Pardon.Linux.Io;

/// <summary>A failed system call: the errno, the call, and the kernel's own words for the error.</summary>
public sealed class LinuxException : Exception
{
    public LinuxException(string operation, int errno)
        : base($"{operation}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
    {
        Operation = operation;
        Errno = errno;
    }

    public LinuxException(string message)
        : base(message)
    {
        Operation = "";
    }

    public LinuxException()
        : base("system call failed")
    {
        Operation = "";
    }

    public LinuxException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = "";
    }

    public string Operation { get; }

    public int Errno { get; }
}
