// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using Pardon.Daemon.Pardons;

namespace Pardon.Daemon.Tests.Pardons;

public sealed class PardonRequestParserTests
{
    private static PardonRequest Parse(string line)
    {
        Assert.True(PardonRequestParser.TryParse(Encoding.UTF8.GetBytes(line), out PardonRequest? request, out string error), error);
        return request;
    }

    private static string Error(string line) => Error(Encoding.UTF8.GetBytes(line));

    private static string Error(byte[] line)
    {
        Assert.False(PardonRequestParser.TryParse(line, out PardonRequest? request, out string error), $"parsed: {request}");
        Assert.StartsWith("bad request: ", error, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void Request_AllFields()
    {
        PardonRequest r = Parse("""{"op":"request","pid":812,"ttl":"30m","reason":"screen locker"}""");

        Assert.Equal(PardonOp.Request, r.Op);
        Assert.Equal(812, r.Pid);
        Assert.Equal(30 * 60_000, r.TtlMs);
        Assert.Equal("screen locker", r.Reason);
    }

    [Theory]
    [InlineData("""{"op":"request"}""", PardonOp.Request)]
    [InlineData("""{"op":"release"}""", PardonOp.Release)]
    [InlineData("""{"op":"list"}""", PardonOp.List)]
    [InlineData("""  { "op" : "status" }  """, PardonOp.Status)]
    [InlineData("""{"pid":null,"op":"request","ttl":null,"reason":null}""", PardonOp.Request)]
    public void Op_Minimal(string line, PardonOp op)
    {
        PardonRequest r = Parse(line);

        Assert.Equal(op, r.Op);
        Assert.Null(r.Pid);
        Assert.Null(r.TtlMs);
        Assert.Null(r.Reason);
    }

    [Theory]
    [InlineData("\"90s\"", 90_000)]
    [InlineData("\"2h\"", 7_200_000)]
    [InlineData("45", 45_000)]
    [InlineData("0.5", 500)]
    public void Ttl_DurationOrSeconds(string ttl, long ms)
        => Assert.Equal(ms, Parse($$"""{"op":"request","ttl":{{ttl}}}""").TtlMs);

    [Theory]
    [InlineData("""{"op":"request","pidfd":true}""", true)]
    [InlineData("""{"op":"release","pid":7,"pidfd":true}""", true)]
    [InlineData("""{"op":"request","pidfd":false}""", false)]
    [InlineData("""{"op":"request","pidfd":null}""", false)]
    public void PidFd_SaysTheTargetCameWithTheLine(string line, bool uses)
    {
        Assert.True(PardonRequestParser.TryParse(System.Text.Encoding.UTF8.GetBytes(line), out PardonRequest? request, out string error), error);
        Assert.Equal(uses, request.UsesPidFd);
        Assert.Null(request.TargetPidFd);
    }

    [Fact]
    public void Release_WithStartTime()
    {
        PardonRequest r = Parse("""{"op":"release","pid":5,"start_time":123456789}""");

        Assert.Equal(5, r.Pid);
        Assert.Equal(123456789UL, r.StartTime);
    }

    [Fact]
    public void Reason_ControlCharactersAreReplaced()
        => Assert.Equal("a b c", Parse("""{"op":"request","reason":"a\nb\u001bc"}""").Reason);

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("[]", "one JSON object")]
    [InlineData("\"request\"", "one JSON object")]
    [InlineData("{}", "\"op\" is missing")]
    [InlineData("""{"op":"pardon-me"}""", "unknown op \"pardon-me\"")]
    [InlineData("""{"op":1}""", "\"op\" must be one of")]
    [InlineData("""{"op":"request","pid":"812"}""", "\"pid\" must be a process id (a positive whole number), found a string")]
    [InlineData("""{"op":"request","pid":-1}""", "\"pid\" must be a process id")]
    [InlineData("""{"op":"request","pid":0}""", "\"pid\" must be a process id")]
    [InlineData("""{"op":"request","pid":1.5}""", "\"pid\" must be a process id")]
    [InlineData("""{"op":"request","pid":99999999999}""", "\"pid\" must be a process id")]
    [InlineData("""{"op":"request","pid":{}}""", "found an object")]
    [InlineData("""{"op":"request","ttl":"forever"}""", "\"ttl\": \"forever\" is not a duration")]
    [InlineData("""{"op":"request","ttl":"5"}""", "\"ttl\":")]
    [InlineData("""{"op":"request","ttl":0}""", "must be positive")]
    [InlineData("""{"op":"request","ttl":-30}""", "must be positive")]
    [InlineData("""{"op":"request","ttl":"400d"}""", "longer than a year")]
    [InlineData("""{"op":"request","ttl":true}""", "\"ttl\" must be a duration")]
    [InlineData("""{"op":"request","reason":5}""", "\"reason\" must be a string, found the number 5")]
    [InlineData("""{"op":"request","pid":1,"pid":2}""", "\"pid\" appears twice")]
    [InlineData("""{"op":"request","op":"list"}""", "\"op\" appears twice")]
    [InlineData("""{"op":"request","uid":0}""", "unknown field \"uid\"")]
    [InlineData("""{"op":"list","ttl":"1m"}""", "\"ttl\" applies only to \"request\"")]
    [InlineData("""{"op":"status","pid":1}""", "\"pid\" does not apply to \"status\"")]
    [InlineData("""{"op":"release","start_time":5}""", "\"start_time\" applies only to \"release\", together with \"pid\"")]
    [InlineData("""{"op":"request","pid":5,"start_time":5}""", "\"start_time\" applies only")]
    [InlineData("""{"op":"list"} {"op":"list"}""", "not valid JSON")]
    [InlineData("""{"op":"list"}x""", "not valid JSON")]
    [InlineData("""{"op":"list",}""", "not valid JSON")]
    [InlineData("""{"op":"list" /* hi */}""", "not valid JSON")]
    [InlineData("""{"op":"lis""", "not valid JSON")]
    [InlineData("""{"op":"request","pid":[[[[[[1]]]]]]}""", "found a list")]
    [InlineData("""{'op':'list'}""", "not valid JSON")]
    [InlineData("""{"op":"request","pidfd":1}""", "\"pidfd\" must be true")]
    [InlineData("""{"op":"request","pidfd":true,"pidfd":true}""", "\"pidfd\" appears twice")]
    [InlineData("""{"op":"list","pidfd":true}""", "\"pidfd\" does not apply to \"list\"")]
    [InlineData("""{"op":"release","pid":5,"start_time":5,"pidfd":true}""", "\"start_time\" does not go with \"pidfd\"")]
    public void Invalid_IsAnError_NamingTheProblem(string line, string because)
        => Assert.Contains(because, Error(line), StringComparison.Ordinal);

    [Theory]
    [InlineData("""{"op":"request","ttl":"99999999999d"}""", "bad request: \"ttl\": \"99999999999d\" is too long (at most 36500d)")] // aborted the connection
    [InlineData("""{"op":"request","ttl":1e308}""", "bad request: \"ttl\" is longer than a year; leave ttl out for a pardon without expiry")]
    [InlineData("", "bad request: not valid JSON: the text ends before the JSON is complete")]
    [InlineData("""{"op":"lis""", "bad request: not valid JSON: a string is not closed (a \" is missing)")]
    [InlineData("""{"op":"list",}""", "bad request: not valid JSON: a comma before '}' is not allowed here")]
    [InlineData("""{"op":"list" /* hi */}""", "bad request: not valid JSON: comments are not allowed here")]
    [InlineData("""{'op':'list'}""", "bad request: not valid JSON: strings need double quotes (\"...\"), not single ones")]
    [InlineData("""{"op":"list"} {"op":"list"}""", "bad request: not valid JSON: there is more after the end of the JSON value (one value only)")]
    [InlineData("""{"op" "list"}""", "bad request: not valid JSON: a comma or a colon is missing before a string")]
    [InlineData("""{op:"list"}""", "bad request: not valid JSON: op is not a JSON value; names and text must be in double quotes (\"op\")")]
    public void Invalid_IsAnErrorInPlainWords(string line, string expected)
        => Assert.Equal(expected, Error(line));

    [Fact]
    public void Reason_TooLong_IsAnError()
        => Assert.Contains("at most 256", Error($$"""{"op":"request","reason":"{{new string('x', 300)}}"}"""), StringComparison.Ordinal);

    [Fact]
    public void InvalidUtf8_IsAnError()
    {
        byte[] line = [.. "{\"op\":\"request\",\"reason\":\""u8, 0xff, 0xfe, .. "\"}"u8];

        Error(line);
    }

    [Fact]
    public void UnknownFieldName_IsShortenedAndCleaned()
    {
        string error = Error($$"""{"{{new string('a', 100)}}\n":1}""");

        Assert.DoesNotContain('\n', error);
        Assert.True(error.Length < 120, error);
    }

    /// <summary>
    /// Seeded fuzzing: random bytes, valid requests truncated or with bytes flipped, inserted or repeated,
    /// and fields of every wrong type. The parser must answer each with a request or an error sentence —
    /// never an exception — and what it accepts must be self-consistent.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Fuzz_NeverThrows(int seed)
    {
        var random = new Random(seed);
        string[] seeds =
        [
            """{"op":"request","pid":812,"ttl":"30m","reason":"screen locker"}""",
            """{"op":"release","pid":1,"start_time":18446744073709551615}""",
            """{"op":"list"}""",
            """{"op":"status"}""",
            """{"op":"request","ttl":1e308,"reason":"\u0000\ud800"}""",
        ];
        string[] values = ["null", "true", "1", "-1", "1e999", "\"x\"", "[]", "{}", "\"\\ud800\"", "0.0000001", "\"1ms\"", "99999999999999999999"];
        int accepted = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] input = (i % 4) switch
            {
                0 => RandomBytes(random),
                1 => Mutate(random, Encoding.UTF8.GetBytes(seeds[random.Next(seeds.Length)])),
                2 => Encoding.UTF8.GetBytes($$"""{"op":"request","{{new[] { "pid", "ttl", "reason", "op", "start_time" }[random.Next(5)]}}":{{values[random.Next(values.Length)]}}}"""),
                _ => Truncate(random, Encoding.UTF8.GetBytes(seeds[random.Next(seeds.Length)])),
            };

            bool ok;
            PardonRequest? request;
            string error;
            try
            {
                ok = PardonRequestParser.TryParse(input, out request, out error);
            }
            catch (Exception ex)
            {
                Assert.Fail($"threw {ex.GetType().Name} on {Convert.ToHexString(input)}: {ex.Message}");
                return;
            }

            if (ok)
            {
                accepted++;
                Assert.NotNull(request);
                Assert.True(request.Pid is null or > 0);
                Assert.True(request.TtlMs is null or > 0);
                Assert.True(request.Reason is null || (request.Reason.Length <= PardonRequestParser.MaxReasonLength && !request.Reason.Any(char.IsControl)));
            }
            else
            {
                Assert.StartsWith("bad request: ", error, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', error);
            }
        }

        Assert.InRange(accepted, 1, 20_000);
    }

    [Fact]
    public void HugeLine_IsAnErrorNotAnException()
    {
        byte[] huge = Encoding.UTF8.GetBytes($$"""{"op":"request","reason":"{{new string('y', 1 << 20)}}"}""");

        Error(huge);
        Error(Encoding.UTF8.GetBytes(new string('[', 100_000)));
        Error(Encoding.UTF8.GetBytes(new string('{', 100_000)));
    }

    private static byte[] RandomBytes(Random random)
    {
        byte[] b = new byte[random.Next(0, 200)];
        random.NextBytes(b);
        return b;
    }

    private static byte[] Truncate(Random random, byte[] b) => b[..random.Next(0, b.Length)];

    private static byte[] Mutate(Random random, byte[] b)
    {
        var list = b.ToList();
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && list.Count > 0; e++)
        {
            int at = random.Next(list.Count);
            switch (random.Next(4))
            {
                case 0:
                    list[at] = (byte)random.Next(256);
                    break;
                case 1:
                    list.Insert(at, "{}[]\",:\\0-e."u8[random.Next("{}[]\",:\\0-e."u8.Length)]);
                    break;
                case 2:
                    list.RemoveAt(at);
                    break;
                default:
                    list.InsertRange(at, list.GetRange(at, Math.Min(8, list.Count - at)));
                    break;
            }
        }

        return [.. list];
    }
}
