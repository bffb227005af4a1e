// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Io;

namespace Pardon.Linux.Procfs;

internal static partial class ProcFs
{
    public static bool TryParsePressure(ReadOnlySpan<byte> content, out ParsedPressure result)
    {
        result = default;
        bool sawSome = false;
        foreach (Range r in content.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> rest = content[r];
            ReadOnlySpan<byte> kind = Utf8Number.NextToken(ref rest);
            bool some = kind.SequenceEqual("some"u8);
            bool full = kind.SequenceEqual("full"u8);
            if (!some && !full)
            {
                continue;
            }

            double avg10 = 0, avg60 = 0, avg300 = 0;
            ulong total = 0;
            while (!rest.IsEmpty)
            {
                ReadOnlySpan<byte> pair = Utf8Number.NextToken(ref rest);
                int eq = pair.IndexOf((byte)'=');
                if (eq <= 0)
                {
                    continue;
                }

                ReadOnlySpan<byte> k = pair[..eq], v = pair[(eq + 1)..];
                bool ok = k.SequenceEqual("avg10"u8) ? Utf8Number.TryParseDouble(v, out avg10)
                    : k.SequenceEqual("avg60"u8) ? Utf8Number.TryParseDouble(v, out avg60)
                    : k.SequenceEqual("avg300"u8) ? Utf8Number.TryParseDouble(v, out avg300)
                    : !k.SequenceEqual("total"u8) || Utf8Number.TryParseUInt64(v, out total);
                if (!ok)
                {
                    return false;
                }
            }

            if (some)
            {
                (result.SomeAvg10, result.SomeAvg60, result.SomeAvg300, result.SomeTotalUs) = (avg10, avg60, avg300, total);
                sawSome = true;
            }
            else
            {
                (result.FullAvg10, result.FullAvg60, result.FullAvg300, result.FullTotalUs) = (avg10, avg60, avg300, total);
                result.HasFull = true;
            }
        }

        return sawSome;
    }
}
