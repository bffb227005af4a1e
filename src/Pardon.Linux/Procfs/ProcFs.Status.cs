// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Io;

namespace Pardon.Linux.Procfs;

internal static partial class ProcFs
{
    /// <summary>
    /// Parses /proc/PID/status. Lines are "Key:\tvalue"; memory values end in " kB". A task without an mm
    /// (zombie, kernel thread) has no Vm lines, which is how <see cref="ParsedStatus.HasMm"/> is decided.
    /// </summary>
    public static bool TryParseStatus(ReadOnlySpan<byte> content, out ParsedStatus result)
    {
        result = default;
        result.Kthread = -1;
        bool sawName = false, sawUid = false, sawRssAnon = false, ok = true;
        int offset = 0;
        while (offset < content.Length)
        {
            ReadOnlySpan<byte> rest = content[offset..];
            int nl = rest.IndexOf((byte)'\n');
            int lineLength = nl < 0 ? rest.Length : nl;
            ReadOnlySpan<byte> line = rest[..lineLength];
            int lineStart = offset;
            offset += lineLength + 1;

            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            ReadOnlySpan<byte> key = line[..colon];
            int valueStart = colon + 1;
            while (valueStart < line.Length && (line[valueStart] == (byte)'\t' || line[valueStart] == (byte)' '))
            {
                valueStart++;
            }

            ReadOnlySpan<byte> value = line[valueStart..];
            switch (key.Length)
            {
                case 4 when key.SequenceEqual("Name"u8):
                    // "Name:\t%s": the name follows exactly one tab and may itself begin with spaces or tabs
                    // (only '\n' and '\\' are escaped), so the whitespace skipping above must not apply.
                    int nameStart = colon + 1 < line.Length && line[colon + 1] == (byte)'\t' ? colon + 2 : valueStart;
                    result.Name = new Range(lineStart + nameStart, lineStart + lineLength);
                    sawName = true;
                    break;
                case 5 when key.SequenceEqual("State"u8):
                    if (value.Length > 0)
                    {
                        result.State = (char)value[0];
                    }

                    break;
                case 4 when key.SequenceEqual("Tgid"u8):
                    ok &= Utf8Number.TryParseInt32(value, out result.Tgid);
                    break;
                case 4 when key.SequenceEqual("PPid"u8):
                    ok &= Utf8Number.TryParseInt32(value, out result.PPid);
                    break;
                case 3 when key.SequenceEqual("Uid"u8):
                    int tab = value.IndexOf((byte)'\t');
                    if (Utf8Number.TryParseUInt64(tab < 0 ? value : value[..tab], out ulong uid))
                    {
                        result.Uid = (uint)uid;
                        sawUid = true;
                    }

                    break;
                case 5 when key.SequenceEqual("VmRSS"u8):
                    result.HasMm = TryParseKiB(value, out result.VmRSS);
                    ok &= result.HasMm;
                    break;
                case 7 when key.SequenceEqual("RssAnon"u8):
                    sawRssAnon = TryParseKiB(value, out result.RssAnon);
                    ok &= sawRssAnon;
                    break;
                case 7 when key.SequenceEqual("RssFile"u8):
                    ok &= TryParseKiB(value, out result.RssFile);
                    break;
                case 8 when key.SequenceEqual("RssShmem"u8):
                    ok &= TryParseKiB(value, out result.RssShmem);
                    break;
                case 6 when key.SequenceEqual("VmSwap"u8):
                    ok &= TryParseKiB(value, out result.VmSwap);
                    break;
                case 5 when key.SequenceEqual("VmPTE"u8):
                    ok &= TryParseKiB(value, out result.VmPTE);
                    break;
                case 7 when key.SequenceEqual("Threads"u8):
                    ok &= Utf8Number.TryParseInt64(value, out result.Threads);
                    break;
                case 7 when key.SequenceEqual("Kthread"u8):
                    ok &= Utf8Number.TryParseInt32(value, out result.Kthread);
                    break;
                case 6 when key.SequenceEqual("SigPnd"u8) || key.SequenceEqual("ShdPnd"u8):
                    // Hex masks, bit (signo - 1): the thread's own and the thread group's shared pending sets.
                    // A fatal signal is added to both (complete_signal()); SIGKILL is bit 8.
                    result.SigKillPending |= TryParseHexMask(value, out ulong pending) && (pending & (1UL << 8)) != 0;
                    break;
            }
        }

        // A task with an mm always shows RssAnon next to VmRSS (since 4.5).
        result.HasMm = result.HasMm && sawRssAnon;
        return ok && sawName && sawUid;
    }

    private static bool TryParseHexMask(ReadOnlySpan<byte> value, out ulong mask)
    {
        mask = 0;
        value = value.Trim((byte)' ');
        if (value.IsEmpty || value.Length > 16)
        {
            return false;
        }

        foreach (byte b in value)
        {
            int digit = b >= (byte)'0' && b <= (byte)'9' ? b - '0' : b >= (byte)'a' && b <= (byte)'f' ? b - 'a' + 10 : -1;
            if (digit < 0)
            {
                return false;
            }

            mask = (mask << 4) | (uint)digit;
        }

        return true;
    }

    private static bool TryParseKiB(ReadOnlySpan<byte> value, out long kib)
    {
        // "   1234 kB"
        value = value.Trim((byte)' ');
        if (value.EndsWith(" kB"u8))
        {
            value = value[..^3].TrimEnd((byte)' ');
        }

        return Utf8Number.TryParseInt64(value, out kib);
    }
}
