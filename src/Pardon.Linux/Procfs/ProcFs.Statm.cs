// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Io;

namespace Pardon.Linux.Procfs;

internal static partial class ProcFs
{
    public static bool TryParseStatm(ReadOnlySpan<byte> content, out ParsedStatm result)
    {
        result = default;
        ReadOnlySpan<byte> rest = content.TrimEnd((byte)'\n');
        return Utf8Number.TryParseInt64(Utf8Number.NextToken(ref rest), out result.size) && // (1) size
            Utf8Number.TryParseInt64(Utf8Number.NextToken(ref rest), out result.resident) && // (2) resident
            Utf8Number.TryParseInt64(Utf8Number.NextToken(ref rest), out result.shared) && // (3) shared
            Utf8Number.TryParseInt64(Utf8Number.NextToken(ref rest), out result.text) && // (4) text
            Utf8Number.TryParseInt64(Utf8Number.NextToken(ref rest), out _) && // (5) lib
            Utf8Number.TryParseInt64(Utf8Number.NextToken(ref rest), out result.data); // (6) data
    }

    /// <summary>/proc/PID/oom_score_adj: one decimal in [-1000, 1000].</summary>
    public static bool TryParseOomScoreAdj(ReadOnlySpan<byte> content, out short value)
    {
        value = 0;
        if (!Utf8Number.TryParseInt32(content.TrimEnd((byte)'\n'), out int v) || v < -1000 || v > 1000)
        {
            return false;
        }

        value = (short)v;
        return true;
    }
}
