// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;

namespace Pardon.Linux.Tests;

/// <summary>Kernel text is bytes: test strings map one char to one byte (Latin-1), so any byte can be written.</summary>
internal static class Text
{
    public static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);

    public static string Of(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>A printable form of hostile input for failure messages.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder();
        foreach (byte b in bytes)
        {
            if (b >= 0x20 && b < 0x7f && b != (byte)'\\')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append(b switch
                {
                    (byte)'\n' => "\\n",
                    (byte)'\t' => "\\t",
                    (byte)'\\' => "\\\\",
                    _ => $"\\x{b:x2}",
                });
            }
        }

        return sb.ToString();
    }
}
