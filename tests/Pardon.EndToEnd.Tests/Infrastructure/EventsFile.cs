// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using System.Text.Json;

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>Reads the daemon's --events file (JSON lines) while the daemon may still be appending to it.</summary>
public static class EventsFile
{
    /// <summary>
    /// The complete lines written so far, each parsed (a line still being written, without its newline,
    /// is left for the next read). A complete line that is not a JSON object breaks the contract: it throws.
    /// </summary>
    public static List<JsonElement> Read(string path)
    {
        var events = new List<JsonElement>();
        foreach (string line in ReadLines(path))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: an event line is not a JSON object: {line}");
            }

            events.Add(doc.RootElement.Clone());
        }

        return events;
    }

    /// <summary>The complete lines of the file so far, as text.</summary>
    public static List<string> ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        string text;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            text = reader.ReadToEnd();
        }

        int end = text.LastIndexOf('\n');
        return end < 0 ? [] : [.. text[..end].Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>The event's name ("start", "kill", …), or "" when it has none.</summary>
    public static string Name(JsonElement e) =>
        e.TryGetProperty("event", out JsonElement name) && name.ValueKind == JsonValueKind.String ? name.GetString()! : "";

    /// <summary>The events named <paramref name="name"/>, in order.</summary>
    public static List<JsonElement> Named(this IEnumerable<JsonElement> events, string name) =>
        [.. events.Where(e => Name(e) == name)];

    /// <summary>An integer field, or null when it is absent or null.</summary>
    public static long? Long(this JsonElement e, string field) =>
        e.TryGetProperty(field, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    /// <summary>A number field, or null when it is absent or null.</summary>
    public static double? Double(this JsonElement e, string field) =>
        e.TryGetProperty(field, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>A string field, or null when it is absent or null.</summary>
    public static string? Text(this JsonElement e, string field) =>
        e.TryGetProperty(field, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A boolean field; false when it is absent or null (the daemon leaves false flags out).</summary>
    public static bool Flag(this JsonElement e, string field) =>
        e.TryGetProperty(field, out JsonElement v) && v.ValueKind == JsonValueKind.True;

    /// <summary>The pid field; throws, naming the event, when it has none.</summary>
    public static int Pid(this JsonElement e) =>
        e.TryGetProperty("pid", out JsonElement v) && v.ValueKind == JsonValueKind.Number
            ? v.GetInt32()
            : throw new InvalidDataException("event without a pid: " + e.GetRawText());

    /// <summary>The pids of a kill event's candidates, best first.</summary>
    public static List<int> CandidatePids(this JsonElement kill) =>
        kill.TryGetProperty("candidates", out JsonElement c) && c.ValueKind == JsonValueKind.Array
            ? [.. c.EnumerateArray().Select(x => x.GetProperty("pid").GetInt32())]
            : [];
}
