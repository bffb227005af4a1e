// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Io;

namespace Pardon.Linux.Procfs;

/// <summary>
/// Whether a /proc shows the initial pid namespace, whose pid 1 alone is is_global_init() — the one init the
/// OOM killer never kills (oom_unkillable_task()). A container's /proc shows its own namespace: pid 1 there is
/// an ordinary candidate.
/// </summary>
public static class PidNamespaces
{
    /// <summary>PROC_PID_INIT_INO (include/linux/proc_ns.h): the initial pid namespace's inode number, fixed since Linux 3.8.</summary>
    public const ulong InitialPidNamespaceInode = 0xEFFFFFFC;

    /// <summary>
    /// Tells from the namespace links: pid 1's ("pid:[N]") names the /proc's own namespace, since a namespace's
    /// init lives in it. That link is often unreadable (pid 1 is not ptrace-readable), so our own link decides
    /// next: in the initial namespace, any /proc that shows us is the initial namespace's too (NSpid lists our
    /// pid in the /proc's namespace and every one below it, and there is none above the initial one). Outside it,
    /// a /proc whose NSpid for us holds one pid is our own (a child) namespace's; more, an ancestor's we cannot name.
    /// </summary>
    public static PidNamespaceKind Detect(string procRoot = "/proc")
    {
        if (TryReadNamespaceInode(procRoot, "1/ns/pid", out ulong init))
        {
            return init == InitialPidNamespaceInode ? PidNamespaceKind.Initial : PidNamespaceKind.Child;
        }

        if (!TryReadNamespaceInode(procRoot, "self/ns/pid", out ulong self))
        {
            return PidNamespaceKind.Unknown;
        }

        if (self == InitialPidNamespaceInode)
        {
            return PidNamespaceKind.Initial;
        }

        return NsPidDepth(procRoot) == 1 ? PidNamespaceKind.Child : PidNamespaceKind.Unknown;
    }

    /// <summary>Parses a namespace link's target, "pid:[4026531836]".</summary>
    public static bool TryParseNamespaceLink(ReadOnlySpan<byte> link, out ulong inode)
    {
        inode = 0;
        int open = link.IndexOf((byte)'[');
        return open > 0 && link.EndsWith("]"u8) && Utf8Number.TryParseUInt64(link[(open + 1)..^1], out inode);
    }

    private static bool TryReadNamespaceInode(string procRoot, string relative, out ulong inode)
    {
        inode = 0;
        Span<byte> buffer = stackalloc byte[64];
        int n = FdIo.ReadLinkAt(Interop.Libc.AT_FDCWD, System.Text.Encoding.UTF8.GetBytes(Path.Combine(procRoot, relative)), buffer);
        return n > 0 && TryParseNamespaceLink(buffer[..n], out inode);
    }

    private static int NsPidDepth(string procRoot)
    {
        try
        {
            foreach (string line in File.ReadLines(Path.Combine(procRoot, "self/status")))
            {
                if (line.StartsWith("NSpid:", StringComparison.Ordinal))
                {
                    return line[6..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries).Length;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }
}
