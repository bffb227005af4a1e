// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text;

namespace Pardon.Daemon.Configuration;

/// <summary>
/// Says in plain words what is wrong at the place a JSON reader stopped. System.Text.Json's own messages
/// speak of reader options and depths (or, in a trimmed build, are bare resource keys such as
/// "ZeroDepthAtEnd"), so the text around the position is looked at instead: the file ended early, a comma
/// is missing, a word is not quoted, single quotes, nesting too deep, a stray character.
/// </summary>
public static class JsonErrorText
{
    /// <summary>What is wrong at <paramref name="line"/> (0-based) and <paramref name="bytePositionInLine"/> of <paramref name="utf8"/>.</summary>
    /// <param name="maxDepth">The reader's MaxDepth, to recognise nesting that is too deep.</param>
    public static string Describe(ReadOnlySpan<byte> utf8, long line, long bytePositionInLine, int maxDepth)
    {
        int offset = Offset(utf8, line, bytePositionInLine);
        int depth = DepthAt(utf8, offset, out byte previous, out bool inString);
        if (inString)
        {
            return offset >= utf8.Length
                ? "a string is not closed (a \" is missing)"
                : "a string holds a character it may not: a line break, a control character or an unknown escape (write \\\\ for a backslash, \\n, \\t or \\u00XX)";
        }

        if (depth > maxDepth || (depth == maxDepth && offset < utf8.Length && utf8[offset] is (byte)'{' or (byte)'['))
        {
            return $"nested more than {maxDepth} levels deep";
        }

        int next = SkipSpace(utf8, offset);
        if (next >= utf8.Length)
        {
            return depth > 0
                ? "the text ends before the JSON is complete (a closing } or ] is missing)"
                : "the text ends before the JSON is complete";
        }

        byte c = utf8[next];
        if (depth == 0 && previous != 0)
        {
            return "there is more after the end of the JSON value (one value only)";
        }

        if (c == '/')
        {
            return "comments are not allowed here";
        }

        if (previous == ',' && c is (byte)'}' or (byte)']')
        {
            return $"a comma before {Shown(utf8, next)} is not allowed here";
        }

        if (c == '\'')
        {
            return "strings need double quotes (\"...\"), not single ones";
        }

        if (c is (byte)'"' or (byte)'{' or (byte)'[' or (byte)'-' || char.IsAsciiDigit((char)c) || c is (byte)'t' or (byte)'f' or (byte)'n')
        {
            if (previous is (byte)'"' or (byte)'}' or (byte)']' or (byte)'e' or (byte)'l' || char.IsAsciiDigit((char)previous))
            {
                return previous == '"' && c == '"'
                    ? "a comma or a colon is missing before a string"
                    : $"a comma is missing before {Shown(utf8, next)}";
            }
        }

        if (char.IsAsciiLetter((char)c) || c == '_')
        {
            // A number run into a unit ("5s", "512MiB") is one word to the reader of the message.
            int start = next;
            while (start > 0 && (char.IsAsciiDigit((char)utf8[start - 1]) || utf8[start - 1] == '.'))
            {
                start--;
            }

            string word = Word(utf8, start);
            return word is "true" or "false" or "null"
                ? $"{word} is not expected here"
                : $"{word} is not a JSON value; names and text must be in double quotes (\"{word}\")";
        }

        if (c is (byte)'}' or (byte)']')
        {
            return $"{Shown(utf8, next)} is not expected here (a value is missing, or the brackets do not match)";
        }

        if (c < 0x20 || c >= 0x80)
        {
            return $"unexpected byte 0x{c:x2}" + (c < 0x20 ? " (a control character; inside a string write it as \\n, \\t or \\u00XX)" : " (not valid UTF-8 here)");
        }

        return $"{Shown(utf8, next)} is not expected here";
    }

    /// <summary>"line 3, column 7: " for a reader's position (both counted from 1 for people).</summary>
    public static string Where(ReadOnlySpan<byte> utf8, long line, long bytePositionInLine)
    {
        int start = Offset(utf8, line, 0);
        int end = Math.Min(Offset(utf8, line, bytePositionInLine), utf8.Length);
        int column = Encoding.UTF8.GetCharCount(utf8[start..Math.Max(start, end)]) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, column {column}: ");
    }

    private static int Offset(ReadOnlySpan<byte> utf8, long line, long bytePositionInLine)
    {
        int offset = 0;
        for (long l = 0; l < line && offset < utf8.Length; l++)
        {
            int nl = utf8[offset..].IndexOf((byte)'\n');
            offset = nl < 0 ? utf8.Length : offset + nl + 1;
        }

        return (int)Math.Min(utf8.Length, offset + Math.Max(0, bytePositionInLine));
    }

    /// <summary>Bracket depth at <paramref name="offset"/>, outside strings and comments, and the last significant byte before it.</summary>
    private static int DepthAt(ReadOnlySpan<byte> utf8, int offset, out byte previous, out bool inString)
    {
        int depth = 0;
        previous = 0;
        inString = false;
        for (int i = 0; i < offset && i < utf8.Length; i++)
        {
            byte b = utf8[i];
            if (inString)
            {
                if (b == '\\')
                {
                    i++;
                }
                else if (b == '"')
                {
                    inString = false;
                    previous = b;
                }

                continue;
            }

            if (b == '/' && i + 1 < utf8.Length && utf8[i + 1] == '/')
            {
                int nl = utf8[i..].IndexOf((byte)'\n');
                i = nl < 0 ? utf8.Length : i + nl;
                continue;
            }

            if (b == '/' && i + 1 < utf8.Length && utf8[i + 1] == '*')
            {
                int close = utf8[(i + 2)..].IndexOf("*/"u8);
                i = close < 0 ? utf8.Length : i + 2 + close + 1;
                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                case (byte)'}' or (byte)']':
                    depth = Math.Max(0, depth - 1);
                    break;
            }

            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                previous = b;
            }
        }

        return depth;
    }

    private static int SkipSpace(ReadOnlySpan<byte> utf8, int i)
    {
        while (i < utf8.Length && utf8[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }

    private static string Word(ReadOnlySpan<byte> utf8, int i)
    {
        int end = i;
        while (end < utf8.Length && end - i < 24 && (char.IsAsciiLetterOrDigit((char)utf8[end]) || utf8[end] is (byte)'_' or (byte)'-' or (byte)'.' or (byte)'%'))
        {
            end++;
        }

        return Encoding.UTF8.GetString(utf8[i..end]);
    }

    private static string Shown(ReadOnlySpan<byte> utf8, int i) => utf8[i] switch
    {
        (byte)'"' => "a string",
        (byte)'{' => "'{'",
        (byte)'[' => "'['",
        _ => "'" + (char)utf8[i] + "'",
    };
}
