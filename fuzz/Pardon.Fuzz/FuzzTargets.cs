// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using Pardon.Core;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Pardons;

namespace Pardon.Fuzz;

/// <summary>
/// The fuzz targets. Each takes any bytes and must return normally: a parser's answer to bad input is a
/// message, never an exception. What they check beyond "no exception" is what a user relies on: an error
/// is one line in words, a configuration that loads can be printed and loaded again to the same thing.
/// </summary>
public static class FuzzTargets
{
    /// <summary>One line sent to the pardon socket.</summary>
    public static void Request(ReadOnlySpan<byte> line)
    {
        if (PardonRequestParser.TryParse(line, out PardonRequest? request, out string error))
        {
            Check(request.Pid is null or > 0, "a parsed pid is positive");
            Check(request.TtlMs is null or (>= 1 and <= PardonRequestParser.MaxTtlMs), "a parsed ttl is within range");
            Check(request.Reason is null || (request.Reason.Length <= PardonRequestParser.MaxReasonLength && !request.Reason.Any(char.IsControl)), "a reason is short and printable");
        }
        else
        {
            Check(error.StartsWith("bad request: ", StringComparison.Ordinal), "an error starts with \"bad request: \"");
            Check(!error.Contains('\n', StringComparison.Ordinal) && !error.Contains('\r', StringComparison.Ordinal), "an error is one line");
        }
    }

    /// <summary>A configuration file's bytes.</summary>
    public static void Config(ReadOnlySpan<byte> file)
    {
        string text = Encoding.UTF8.GetString(file);
        var config = new PardonConfig();
        try
        {
            ConfigLoader.Apply(config, text, "fuzz.jsonc");
        }
        catch (ConfigException ex)
        {
            Check(ex.Problems.Count > 0, "a refused configuration names a problem");

            // What the user sees: one line for one problem, else a count and one line per problem.
            int lines = ex.Message.Split('\n').Length;
            Check(lines == (ex.Problems.Count == 1 ? 1 : ex.Problems.Count + 1), "each problem is one line");

            return;
        }

        // What loads must print (--print-config) and load again to the same configuration.
        string printed = ConfigWriter.Write(config);
        var again = new PardonConfig();
        ConfigLoader.Apply(again, printed, "printed");
        Check(ConfigWriter.Write(again) == printed, "--print-config output loads to the same configuration");

        // The levels are judged against any scope size without an exception.
        var thresholds = new Thresholds(config.TermBelow, config.KillBelow, config.SwapTermBelow, config.SwapKillBelow);
        foreach (long total in (ReadOnlySpan<long>)[1, 64 * 1024, 24_684_096, long.MaxValue / 4096])
        {
            LevelProblems problems = thresholds.Check(total, total / 2);
            _ = thresholds.Resolve(new MemorySample(total, total / 2, total / 2, total / 4, 0), out _);
            _ = thresholds.Describe(problems, total, total / 2, "the system's");
        }
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("fuzz property violated: " + what);
        }
    }
}
