// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Buffers.Text;

namespace Pardon.Linux.Io;

/// <summary>Number parsing on UTF-8 kernel text, without allocating.</summary>
internal static class Utf8Number
{
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
        => Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length;

    public static bool TryParseUInt64(ReadOnlySpan<byte> text, out ulong value)
        => Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length;

    public static bool TryParseInt32(ReadOnlySpan<byte> text, out int value)
        => Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length;

    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
        => Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length;

    /// <summary>Parses a cgroup limit: a byte count, or "max" (v2) meaning no limit, returned as <see cref="long.MaxValue"/>.</summary>
    public static bool TryParseLimit(ReadOnlySpan<byte> text, out long value)
    {
        text = text.TrimEnd((byte)'\n');
        if (text.SequenceEqual("max"u8))
        {
            value = long.MaxValue;
            return true;
        }

        return TryParseInt64(text, out value);
    }

    /// <summary>Splits off the next token delimited by <paramref name="separator"/> (runs of it are skipped).</summary>
    public static ReadOnlySpan<byte> NextToken(ref ReadOnlySpan<byte> rest, byte separator = (byte)' ')
    {
        int start = 0;
        while (start < rest.Length && rest[start] == separator)
        {
            start++;
        }

        rest = rest[start..];
        int end = rest.IndexOf(separator);
        ReadOnlySpan<byte> token;
        if (end < 0)
        {
            token = rest;
            rest = default;
        }
        else
        {
            token = rest[..end];
            rest = rest[(end + 1)..];
        }

        return token;
    }

    /// <summary>Formats a non-negative integer as ASCII digits into <paramref name="destination"/>.</summary>
    public static int Format(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out int written);
        return written;
    }
}
