// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Pardon.Cli.Tests;

/// <summary>
/// Bad input to every command, run through the real `pardon` executable (its runtime configuration, its
/// exit codes, its unhandled-exception path): each must end with exit 2 (1 where the contract says a runtime
/// failure), exactly one line on stderr starting "pardon: ", no stack frame, no .NET resource key, nothing on
/// stdout. Daemon rows all carry --dry-run and a socket in the test's directory, so a row that were wrongly
/// accepted could still kill nothing. About 50 runs, four at a time: 20-40 s on a busy 2-core machine.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class BadInputSweepTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pardon-sweep-").FullName;

    public BadInputSweepTests()
    {
        // The test directory must be reachable by nobody for the unprivileged rows.
        File.SetUnixFileMode(_dir, (UnixFileMode)0x1ED); // 0755
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record Row(int Exit, string[] Args, bool AsNobody = false, string? Mentions = null)
    {
        public override string ToString() => (AsNobody ? "(as nobody) " : "") + "pardon " + string.Join(' ', Args.Select(a => a.Length > 40 ? a[..40] + "…" : a));
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private List<Row> Table()
    {
        string longSocket = "/tmp/" + new string('s', 120) + ".sock";
        string sock = Path.Combine(_dir, "d.sock");
        string missing = Path.Combine(_dir, "missing.jsonc");
        string syntax = Write("syntax.jsonc", "{ \"thresholds\": { \"term_below\": \"5%\" }\n");
        string deep = Write("deep.jsonc", new string('[', 40));
        string unknown = Write("unknown.jsonc", """{ "thresholds": { "term_belw": "5%" } }""");
        string wrongType = Write("type.jsonc", """{ "growth": { "weight": "heavy" } }""");
        string hugeDuration = Write("duration.jsonc", """{ "kill": { "grace": "99999999999d" } }""");
        string unreadable = Write("unreadable.jsonc", "{}");
        File.SetUnixFileMode(unreadable, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string[] dryDaemon = ["daemon", "--dry-run", "--socket", sock];

        // A kill level that is a size above a percentage term level on this machine: 1% vs half of MemTotal.
        string halfMemory = (MemTotalKiB() / 2 / 1024).ToString(CultureInfo.InvariantCulture) + "MiB";

        return
        [
            new(2, []),
            new(2, ["no-such-verb"]),
            new(2, ["--bogus"]),
            new(2, ["rank", "--bogus"]),
            new(2, ["rank", "--cgroup"]),
            new(2, ["rank", "--cgroup", Path.Combine(_dir, "absent")], Mentions: "no such directory"),
            new(2, ["rank", "--cgroup", "/proc"]),
            new(2, ["rank", "--cgroup", "/sys/fs/cgroup/memory/pardon-no-such-*"]),
            new(2, ["rank", "--config", missing], Mentions: "no such file"),
            new(2, ["rank", "--config", _dir], Mentions: "is a directory"),
            new(2, ["rank", "--config", "/dev/zero"], Mentions: "larger than"),
            new(2, ["rank", "--config", syntax], Mentions: "line 2, column 1"),
            new(2, ["rank", "--config", deep], Mentions: "nested more than"),
            new(2, ["rank", "--config", unknown], Mentions: "did you mean \"term_below\""),
            new(2, ["rank", "--config", wrongType], Mentions: "growth.weight: expected a number"),
            new(2, ["rank", "--config", hugeDuration], Mentions: "too long"),
            new(2, ["rank", "--config", unreadable], AsNobody: true, Mentions: "permission denied"),
            new(2, ["rank", "--socket", longSocket], Mentions: "at most 107"),
            new(2, ["explain"]),
            new(2, ["explain", "abc"], Mentions: "not a process id"),
            new(2, ["explain", "99999999999"], Mentions: "not a process id"),
            new(2, ["explain", "0"]),
            new(2, ["explain", "-5"]),
            new(2, ["explain", "1", "2"]),
            new(1, ["explain", "4194303"], Mentions: "no process"),
            new(2, [.. dryDaemon, "--term-below", "1TiB"], Mentions: "--term-below 1TiB is not below the system's memory"),
            new(2, [.. dryDaemon, "--term-below", "1%", "--kill-below", halfMemory], Mentions: "--kill-below " + halfMemory + " is above --term-below 1%"),
            new(2, [.. dryDaemon, "--term-below", "50%", "--kill-below", "60%"], Mentions: "--kill-below"),
            new(2, [.. dryDaemon, "--term-below", "100%"]),
            new(2, [.. dryDaemon, "--term-below", "lots"]),
            new(2, [.. dryDaemon, "--kill-below", "-5%"]),
            new(2, [.. dryDaemon, "--config", hugeDuration]),
            new(2, ["daemon", "--dry-run", "--socket", longSocket], Mentions: "at most 107"),
            new(2, [.. dryDaemon, "--metrics-listen", "nowhere:port"]),
            new(2, [.. dryDaemon, "--cgroup", Path.Combine(_dir, "absent")]),
            new(2, [.. dryDaemon, "--cgroup", ""], Mentions: "cannot be empty"), // printed a stack trace (Path.GetFullPath(""))
            new(2, ["daemon", "--cgroup", "--dry-run", "--socket", sock], Mentions: "is an option, not a pattern"),
            new(1, [.. dryDaemon, "--state", "/tmp/pardon-sweep-state.json"], Mentions: "--state /tmp/pardon-sweep-state.json: refusing the directory /tmp"),
            new(1, [.. dryDaemon, "--events", "/proc/pardon-no-such/events.jsonl"], Mentions: "events file"),
            new(1, ["daemon", "--dry-run", "--socket", "/run/pardon-sweep-no-such-dir/p.sock"], AsNobody: true, Mentions: "cannot create the pardon socket"),
            new(2, ["request", "--pid", "abc"], Mentions: "not a process id"),
            new(2, ["request", "--pid", "99999999999"], Mentions: "not a process id"),
            new(2, ["request", "--pid", "0"]),
            new(2, ["request", "--pid", "1", "--ttl", "99999999999d", "--socket", sock], Mentions: "too long"),
            new(2, ["request", "--pid", "1", "--ttl", "400d", "--socket", sock], Mentions: "longer than"),
            new(2, ["request", "--pid", "1", "--ttl", "soon", "--socket", sock]),
            new(2, ["request", "--socket", longSocket], Mentions: "at most 107"),
            new(1, ["request", "--pid", "1", "--socket", sock], Mentions: "cannot reach"),
            new(2, ["release", "--pid", "abc"]),
            new(2, ["release", "--socket", longSocket]),
            new(2, ["list", "--socket", longSocket]),
            new(2, ["list", "--bogus"]),
            new(2, ["status", "--socket", longSocket]),
            new(2, ["run"]),
            new(2, ["run", "--ttl", "soon", "--", "true"]),
            new(2, ["top", "--interval", "1ms"]),
            new(2, ["top", "--interval", "often"]),
            new(2, ["top", "--cgroup", Path.Combine(_dir, "absent")]),
            new(2, ["top", "--config", syntax]),
        ];
    }

    [Fact]
    public async Task EveryBadInput_OneLineInWords_ExitCode_NoStackTrace()
    {
        List<Row> rows = Table();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var gate = new SemaphoreSlim(4);
        await Task.WhenAll(rows.Select(async row =>
        {
            await gate.WaitAsync();
            try
            {
                (int exit, string stdout, string stderr) = await RunAsync(row);
                string? problem = Judge(row, exit, stdout, stderr);
                if (problem is not null)
                {
                    failures.Add($"{row}: {problem}\n  exit {exit}\n  stderr: {stderr.Replace("\n", "\n          ", StringComparison.Ordinal)}\n  stdout: {(stdout.Length > 200 ? stdout[..200] : stdout)}");
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.True(failures.IsEmpty, $"{failures.Count} of {rows.Count} bad inputs misbehaved:\n" + string.Join('\n', failures));
    }

    private static string? Judge(Row row, int exit, string stdout, string stderr)
    {
        string[] lines = stderr.TrimEnd('\n').Split('\n');
        if (stderr.Contains("   at ", StringComparison.Ordinal) || stderr.Contains("Unhandled exception", StringComparison.Ordinal))
        {
            return "a stack trace";
        }

        if (exit != row.Exit)
        {
            return $"exit {exit}, not {row.Exit}";
        }

        if (lines.Length != 1 || lines[0].Length == 0)
        {
            return $"{lines.Length} lines on stderr, not one";
        }

        if (!lines[0].StartsWith("pardon: ", StringComparison.Ordinal))
        {
            return "the line does not start with \"pardon: \"";
        }

        if (ResourceKey().Match(lines[0]) is { Success: true } key)
        {
            return $"a .NET resource key ({key.Value}) instead of words";
        }

        if (row.Mentions is not null && !lines[0].Contains(row.Mentions, StringComparison.Ordinal))
        {
            return $"does not say \"{row.Mentions}\"";
        }

        return stdout.Length > 0 ? "printed on stdout" : null;
    }

    /// <summary>"ZeroDepthAtEnd", "MakeException", "UnauthorizedAccess_IODenied_Path", "Overflow_TimeSpanTooLong".</summary>
    [GeneratedRegex(@"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b|\b[A-Z]\w*_\w+\b")]
    private static partial Regex ResourceKey();

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(Row row)
    {
        string pardon = Path.Combine(AppContext.BaseDirectory, "pardon");
        var start = new ProcessStartInfo(row.AsNobody ? "setpriv" : pardon)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (row.AsNobody)
        {
            foreach (string a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", pardon])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (string a in row.Args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, await stdout, "still running after 60 s (the bad input was accepted): " + await stderr);
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static long MemTotalKiB()
    {
        string line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
