// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Linux.Security;

/// <summary>
/// The daemon's own effective capabilities (CapEff in /proc/self/status, capabilities(7)). Root is not
/// enough: containers and hardened units drop capabilities, and the kernel checks them, not the uid.
/// </summary>
public static class Capabilities
{
    /// <summary>
    /// CAP_SYS_RESOURCE (include/uapi/linux/capability.h): needed to lower any process's oom_score_adj
    /// below its floor (fs/proc/base.c __set_oom_adj), which is what sparing a process from the kernel's
    /// own OOM killer takes (-1000).
    /// </summary>
    public const int CapSysResource = 24;

    /// <summary>Whether this process has <paramref name="capability"/> in its effective set; false when unknown.</summary>
    public static bool HasEffective(int capability, string procRoot = "/proc")
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(procRoot, "self/status"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return TryParseCapEff(text, out ulong mask) && capability is >= 0 and < 64 && (mask & (1UL << capability)) != 0;
    }

    /// <summary>The "CapEff:" line of /proc/PID/status: 16 hex digits.</summary>
    public static bool TryParseCapEff(string status, out ulong mask)
    {
        mask = 0;
        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
            {
                return ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out mask);
            }
        }

        return false;
    }
}
