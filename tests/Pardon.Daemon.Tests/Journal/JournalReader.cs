// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Buffers.Binary;
using System.Text;

namespace Pardon.Daemon.Tests.Journal;

/// <summary>
/// The test's own reading of the journal's native protocol (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/),
/// written from the specification rather than from the writer: "NAME=value\n", or "NAME\n" + 64-bit
/// little-endian length + value + "\n". Throws on anything malformed, as journald would drop it.
/// </summary>
public static class JournalReader
{
    public static List<KeyValuePair<string, string>> Parse(ReadOnlySpan<byte> datagram)
    {
        var fields = new List<KeyValuePair<string, string>>();
        while (!datagram.IsEmpty)
        {
            int nl = datagram.IndexOf((byte)'\n');
            if (nl < 0)
            {
                throw new FormatException("a field without its line feed");
            }

            int eq = datagram[..nl].IndexOf((byte)'=');
            if (eq >= 0)
            {
                fields.Add(new(Name(datagram[..eq]), Encoding.UTF8.GetString(datagram[(eq + 1)..nl])));
                datagram = datagram[(nl + 1)..];
                continue;
            }

            string name = Name(datagram[..nl]);
            datagram = datagram[(nl + 1)..];
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(datagram);
            datagram = datagram[8..];
            if ((ulong)datagram.Length < length + 1 || datagram[(int)length] != (byte)'\n')
            {
                throw new FormatException($"{name}: the binary value is not followed by a line feed");
            }

            fields.Add(new(name, Encoding.UTF8.GetString(datagram[..(int)length])));
            datagram = datagram[((int)length + 1)..];
        }

        return fields;
    }

    private static string Name(ReadOnlySpan<byte> bytes)
    {
        string name = Encoding.ASCII.GetString(bytes);
        if (name.Length is 0 or > 64 || name[0] is '_' or (>= '0' and <= '9') || !name.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
        {
            throw new FormatException($"\"{name}\" is not a valid journal field name");
        }

        return name;
    }
}
