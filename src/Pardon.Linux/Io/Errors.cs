// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

namespace Pardon.Linux.Io;

/// <summary>
/// The errno convention of Pardon.Linux, one for every helper: a method that returns an int returns a value
/// (0, a length, a descriptor) on success and −errno on failure — what the kernel's system calls return,
/// and what a value and an error sharing one int require. Named errors (<c>OomScoreAdj.Gone</c>,
/// <c>OomScoreAdj.NotPermitted</c>) are negative too, so a caller compares a result with them as it is.
/// An <c>out int errno</c> parameter is the exception that keeps errno's own (positive) sign, as
/// <see cref="Marshal.GetLastPInvokeError"/> and <see cref="LinuxException.Errno"/> do.
/// </summary>
public static class Errors
{
    /// <summary>The C library's words for a failed result (−errno) or an errno: "Permission denied".</summary>
    public static string Describe(int result) => Marshal.GetPInvokeErrorMessage(result < 0 ? -result : result);

    /// <summary>A failed result (−errno) as its errno, for <see cref="LinuxException"/>.</summary>
    public static int ErrnoOf(int result) => result < 0 ? -result : result;
}
