// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Core;
using Pardon.Daemon.Pardons;

namespace Pardon.Cli.Commands;

/// <summary>How the pardon subcommands describe a pardon to people.</summary>
internal static class PardonText
{
    public static string Describe(PardonInfo p)
    {
        string ceiling = p.MaxRssKiB > 0 ? "ceiling " + Units.FormatKiB(p.MaxRssKiB) : "no ceiling";
        string expiry = p.Expires is string e ? "until " + e : "without expiry";
        return $"{p.Pid} ({RankTable.Sanitize(p.Comm)}) {p.Exe ?? "(exe unknown)"} by {p.Rule}: {ceiling}, {expiry}";
    }

    public static string KernelProtection(bool? available, bool kernelProtected) => kernelProtected
        ? "kernel protection on (oom_score_adj -1000)"
        : available == false
            ? "kernel protection off (the daemon lacks CAP_SYS_RESOURCE: Pardon spares it, the kernel's own OOM killer might not)"
            : "kernel protection off";

    public static string Expires(PardonInfo p)
    {
        if (p.ExpiresUnixMs is not long ms)
        {
            return "never";
        }

        long left = ms - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return left <= 0 ? "now" : "in " + Units.FormatDuration(left);
    }

    public static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
