// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Pardon.Core;

namespace Pardon.Daemon.Pardons;

/// <summary>
/// Parses one request line. Written against Utf8JsonReader by hand rather than deserialized, so that any
/// input — random bytes, truncated JSON, wrong types, duplicate or unknown fields — becomes a sentence
/// naming the field, never an exception, and so that nothing but these fields is ever accepted.
/// </summary>
public static class PardonRequestParser
{
    /// <summary>The longest reason kept, in characters.</summary>
    public const int MaxReasonLength = 256;

    /// <summary>The longest TTL accepted: a year. Longer is a typo, or a wish for no expiry (omit ttl).</summary>
    public const long MaxTtlMs = 366L * 24 * 3600 * 1000;

    private const string Example = "{\"op\":\"request\",\"ttl\":\"30m\",\"reason\":\"screen locker\"}";

    private static readonly JsonReaderOptions s_options = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 4,
    };

    public static bool TryParse(ReadOnlySpan<byte> line, [NotNullWhen(true)] out PardonRequest? request, out string error)
    {
        request = null;
        try
        {
            return TryParseCore(line, out request, out error);
        }
        catch (JsonException ex)
        {
            error = "bad request: not valid JSON: " + Configuration.JsonErrorText.Describe(line, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0, s_options.MaxDepth);
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader.GetString() on a string that is not valid UTF-8.
            error = "bad request: not valid UTF-8";
        }
        catch (ArgumentException)
        {
            error = "bad request: not valid JSON";
        }

        return false;
    }

    private static bool TryParseCore(ReadOnlySpan<byte> line, out PardonRequest? request, out string error)
    {
        request = null;
        var reader = new Utf8JsonReader(line, s_options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = "bad request: a request is one JSON object on one line, e.g. " + Example;
            return false;
        }

        string? op = null;
        int? pid = null;
        long? ttl = null;
        string? reason = null;
        ulong? startTime = null;
        bool usesPidFd = false;
        bool sawPid = false, sawTtl = false, sawReason = false, sawStartTime = false, sawPidFd = false;
        while (true)
        {
            if (!reader.Read())
            {
                error = "bad request: not valid JSON: the object is not closed";
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            // Inside an object the reader only yields property names here.
            string name = reader.GetString() ?? "";
            if (!reader.Read())
            {
                error = $"bad request: {Quote(name)} has no value";
                return false;
            }

            switch (name)
            {
                case "op":
                    if (op is not null)
                    {
                        return Duplicate(name, out error);
                    }

                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return WrongType(name, "one of \"request\", \"release\", \"list\", \"status\"", ref reader, out error);
                    }

                    op = reader.GetString() ?? "";
                    break;
                case "pid":
                    if (sawPid)
                    {
                        return Duplicate(name, out error);
                    }

                    sawPid = true;
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }

                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int p) || p <= 0)
                    {
                        return WrongType(name, "a process id (a positive whole number)", ref reader, out error);
                    }

                    pid = p;
                    break;
                case "ttl":
                    if (sawTtl)
                    {
                        return Duplicate(name, out error);
                    }

                    sawTtl = true;
                    if (!TryReadTtl(ref reader, out ttl, out error))
                    {
                        return false;
                    }

                    break;
                case "reason":
                    if (sawReason)
                    {
                        return Duplicate(name, out error);
                    }

                    sawReason = true;
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }

                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return WrongType(name, "a string", ref reader, out error);
                    }

                    reason = reader.GetString() ?? "";
                    if (reason.Length > MaxReasonLength)
                    {
                        error = $"bad request: \"reason\" is {reason.Length} characters long; at most {MaxReasonLength} are accepted";
                        return false;
                    }

                    reason = Clean(reason);
                    break;
                case "start_time":
                    if (sawStartTime)
                    {
                        return Duplicate(name, out error);
                    }

                    sawStartTime = true;
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }

                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out ulong st))
                    {
                        return WrongType(name, "a start time (field 22 of /proc/PID/stat, a whole number)", ref reader, out error);
                    }

                    startTime = st;
                    break;
                case "pidfd":
                    if (sawPidFd)
                    {
                        return Duplicate(name, out error);
                    }

                    sawPidFd = true;
                    if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                    {
                        return WrongType(name, "true (the target is the pidfd sent with this line) or false", ref reader, out error);
                    }

                    usesPidFd = reader.TokenType == JsonTokenType.True;
                    break;
                default:
                    error = $"bad request: unknown field {Quote(name)} (the fields are op, pid, ttl, reason, start_time, pidfd)";
                    return false;
            }
        }

        // One object per line: anything after it (another value, garbage) is an error, not ignored.
        if (reader.Read())
        {
            error = "bad request: more than one JSON value on the line";
            return false;
        }

        PardonOp? parsed = op switch
        {
            "request" => PardonOp.Request,
            "release" => PardonOp.Release,
            "list" => PardonOp.List,
            "status" => PardonOp.Status,
            _ => null,
        };
        if (parsed is not PardonOp kind)
        {
            error = op is null
                ? "bad request: \"op\" is missing, e.g. " + Example
                : $"bad request: unknown op {Quote(op)} (use \"request\", \"release\", \"list\" or \"status\")";
            return false;
        }

        if (kind != PardonOp.Request && (ttl is not null || reason is not null))
        {
            error = $"bad request: {(ttl is not null ? "\"ttl\"" : "\"reason\"")} applies only to \"request\"";
            return false;
        }

        if (kind is PardonOp.List or PardonOp.Status && pid is not null)
        {
            error = $"bad request: \"pid\" does not apply to \"{op}\"";
            return false;
        }

        if (startTime is not null && (kind != PardonOp.Release || pid is null))
        {
            error = "bad request: \"start_time\" applies only to \"release\", together with \"pid\"";
            return false;
        }

        if (usesPidFd && kind is not (PardonOp.Request or PardonOp.Release))
        {
            error = $"bad request: \"pidfd\" does not apply to \"{op}\"";
            return false;
        }

        if (usesPidFd && startTime is not null)
        {
            error = "bad request: \"start_time\" does not go with \"pidfd\": the pidfd names the process exactly";
            return false;
        }

        request = new PardonRequest { Op = kind, Pid = pid, TtlMs = ttl, Reason = reason, StartTime = startTime, UsesPidFd = usesPidFd };
        error = "";
        return true;
    }

    private static bool TryReadTtl(ref Utf8JsonReader reader, out long? ttlMs, out string error)
    {
        ttlMs = null;
        error = "";
        double ms;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.String:
                string text = reader.GetString() ?? "";
                if (text.Length > 32)
                {
                    error = "bad request: \"ttl\": not a duration (examples: \"30s\", \"10m\", \"2h\")";
                    return false;
                }

                if (!Sizes.TryParseDuration(text, out TimeSpan d, out string why))
                {
                    error = "bad request: \"ttl\": " + why;
                    return false;
                }

                ms = d.TotalMilliseconds;
                break;
            case JsonTokenType.Number when reader.TryGetDouble(out double seconds):
                ms = seconds * 1000;
                break;
            default:
                return WrongType("ttl", "a duration such as \"30m\" (or a number of seconds)", ref reader, out error);
        }

        if (!(ms >= 1) || ms > MaxTtlMs)
        {
            error = ms > MaxTtlMs
                ? "bad request: \"ttl\" is longer than a year; leave ttl out for a pardon without expiry"
                : "bad request: \"ttl\" must be positive (e.g. \"30m\")";
            return false;
        }

        ttlMs = (long)ms;
        return true;
    }

    private static bool Duplicate(string name, out string error)
    {
        error = $"bad request: {Quote(name)} appears twice";
        return false;
    }

    private static bool WrongType(string name, string expected, ref Utf8JsonReader reader, out string error)
    {
        string found = reader.TokenType switch
        {
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "the number " + Encoding.UTF8.GetString(reader.ValueSpan.Length > 24 ? reader.ValueSpan[..24] : reader.ValueSpan),
            JsonTokenType.True or JsonTokenType.False => reader.TokenType == JsonTokenType.True ? "true" : "false",
            JsonTokenType.Null => "null",
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "a list",
            _ => "something else",
        };
        error = $"bad request: {Quote(name)} must be {expected}, found {found}";
        return false;
    }

    /// <summary>Names and values echoed in errors are shortened and stripped of control characters: they end up in logs.</summary>
    private static string Quote(string s) => "\"" + Clean(s.Length > 32 ? s[..32] + "…" : s) + "\"";

    private static string Clean(string s)
    {
        if (!s.Any(char.IsControl))
        {
            return s;
        }

        var b = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            b.Append(char.IsControl(c) ? ' ' : c);
        }

        return b.ToString();
    }
}
