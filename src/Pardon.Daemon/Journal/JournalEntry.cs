// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pardon.Daemon.Events;

namespace Pardon.Daemon.Journal;

/// <summary>
/// An event as one entry of the journal's native protocol (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/):
/// one datagram of fields, each "NAME=value\n", or — for a value holding a line feed — "NAME\n", the
/// value's length as a 64-bit little-endian integer, the value, "\n". Fields: MESSAGE (the readable
/// sentence), PRIORITY, SYSLOG_IDENTIFIER=pardon, and PARDON_&lt;FIELD&gt; for every field of the event's
/// JSON (PARDON_EVENT, PARDON_PID, PARDON_SCOPE, PARDON_SIGNAL, …; lists and objects as compact JSON),
/// so `journalctl PARDON_EVENT=kill` finds the kills.
/// </summary>
public static class JournalEntry
{
    /// <summary>The entry for <paramref name="line"/>.</summary>
    public static byte[] Format(EventLine line)
    {
        using var buffer = new MemoryStream(line.Json.Length * 2);
        Field(buffer, "MESSAGE", line.Text.StartsWith("pardon: ", StringComparison.Ordinal) ? line.Text["pardon: ".Length..] : line.Text);
        Field(buffer, "PRIORITY", line.Priority.ToString(CultureInfo.InvariantCulture));
        Field(buffer, "SYSLOG_IDENTIFIER", "pardon");
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line.Json);
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (FieldName(p.Name) is not string name || p.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                string value = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                Field(buffer, name, value);
            }
        }
        catch (JsonException)
        {
            Field(buffer, "PARDON_EVENT", line.Name);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// "PARDON_" + the JSON name in capitals, when that makes a valid journal field name (A–Z, 0–9, '_', at
    /// most 64 characters; journald drops entries' invalid fields: journal-file.c field_name_is_valid()).
    /// </summary>
    internal static string? FieldName(string jsonName)
    {
        if (jsonName.Length == 0 || jsonName.Length > 64 - "PARDON_".Length)
        {
            return null;
        }

        var name = new StringBuilder("PARDON_", 7 + jsonName.Length);
        foreach (char c in jsonName)
        {
            char u = char.ToUpperInvariant(c);
            if (u is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
            {
                return null;
            }

            name.Append(u);
        }

        return name.ToString();
    }

    private static void Field(MemoryStream buffer, string name, string value)
    {
        buffer.Write(Encoding.ASCII.GetBytes(name));
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        if (Array.IndexOf(bytes, (byte)'\n') < 0)
        {
            buffer.WriteByte((byte)'=');
            buffer.Write(bytes);
        }
        else
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)bytes.Length);
            buffer.WriteByte((byte)'\n');
            buffer.Write(length);
            buffer.Write(bytes);
        }

        buffer.WriteByte((byte)'\n');
    }
}
