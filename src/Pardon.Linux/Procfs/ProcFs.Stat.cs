// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Io;

namespace Pardon.Linux.Procfs;

internal static partial class ProcFs
{
    /// <summary>
    /// Parses /proc/PID/stat. The comm is whatever lies between the first '(' and the LAST ')': a process
    /// may name itself "a) b (" or include a newline (prctl PR_SET_NAME takes any bytes), but every field
    /// after the comm is numeric or a state letter, so the last ')' is always the real delimiter
    /// (fs/proc/array.c do_task_stat()).
    /// </summary>
    public static bool TryParseStat(ReadOnlySpan<byte> content, out ParsedStat result)
    {
        result = default;
        int open = content.IndexOf((byte)'(');
        int close = content.LastIndexOf((byte)')');
        if (open <= 0 || close < open)
        {
            return false;
        }

        if (!Utf8Number.TryParseInt32(content[..open].TrimEnd((byte)' '), out result.pid))
        {
            return false;
        }

        result.comm = new Range(open + 1, close);
        ReadOnlySpan<byte> rest = content[(close + 1)..].TrimEnd((byte)'\n');

        ReadOnlySpan<byte> state = Utf8Number.NextToken(ref rest); // (3) state
        if (state.Length != 1)
        {
            return false;
        }

        result.state = (char)state[0];
        if (!Utf8Number.TryParseInt32(Utf8Number.NextToken(ref rest), out result.ppid) || // (4) ppid
            !Utf8Number.TryParseInt32(Utf8Number.NextToken(ref rest), out result.pgrp) || // (5) pgrp
            !Utf8Number.TryParseInt32(Utf8Number.NextToken(ref rest), out result.session)) // (6) session
        {
            return false;
        }

        Utf8Number.NextToken(ref rest); // (7) tty_nr
        Utf8Number.NextToken(ref rest); // (8) tpgid
        if (!Utf8Number.TryParseUInt64(Utf8Number.NextToken(ref rest), out ulong flags)) // (9) flags
        {
            return false;
        }

        result.flags = (uint)flags;
        Utf8Number.NextToken(ref rest); // (10) minflt
        Utf8Number.NextToken(ref rest); // (11) cminflt
        if (!Utf8Number.TryParseUInt64(Utf8Number.NextToken(ref rest), out result.majflt)) // (12) majflt
        {
            return false;
        }

        Utf8Number.NextToken(ref rest); // (13) cmajflt
        if (!Utf8Number.TryParseUInt64(Utf8Number.NextToken(ref rest), out result.utime) || // (14) utime
            !Utf8Number.TryParseUInt64(Utf8Number.NextToken(ref rest), out result.stime)) // (15) stime
        {
            return false;
        }

        Utf8Number.NextToken(ref rest); // (16) cutime
        Utf8Number.NextToken(ref rest); // (17) cstime
        Utf8Number.NextToken(ref rest); // (18) priority
        Utf8Number.NextToken(ref rest); // (19) nice
        if (!Utf8Number.TryParseInt64(Utf8Number.NextToken(ref rest), out result.num_threads)) // (20) num_threads
        {
            return false;
        }

        Utf8Number.NextToken(ref rest); // (21) itrealvalue
        return Utf8Number.TryParseUInt64(Utf8Number.NextToken(ref rest), out result.starttime) && // (22) starttime
            Utf8Number.TryParseUInt64(Utf8Number.NextToken(ref rest), out result.vsize) && // (23) vsize
            Utf8Number.TryParseInt64(Utf8Number.NextToken(ref rest), out result.rss); // (24) rss
    }
}
