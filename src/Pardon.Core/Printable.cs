// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text;

namespace Pardon.Core;

/// <summary>
/// Text from outside (a configuration key, a path, a process name) made safe to print on one line: control
/// characters become visible escapes (\n, \t, \r, \x1b), so a newline in a JSON key or a file name can neither
/// split an error message in two nor forge a line of a log.
/// </summary>
public static class Printable
{
    public static string Escape(string text)
    {
        // C0 controls, DEL and the C1 controls (U+0080-U+009F: U+009B is a terminal's CSI).
        if (text.AsSpan().IndexOfAnyInRange('\0', '\u001f') < 0 && text.AsSpan().IndexOfAnyInRange('\u007f', '\u009f') < 0)
        {
            return text;
        }

        var b = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        b.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        b.Append(c);
                    }

                    break;
            }
        }

        return b.ToString();
    }
}
