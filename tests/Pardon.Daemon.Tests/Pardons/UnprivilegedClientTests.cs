// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Runtime.Versioning;
using Pardon.Core.Pardons;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Events;
using Pardon.Daemon.Pardons;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>
/// End to end with the real `pardon` executable as the client, run as uid 65534 (setpriv), against a
/// PardonService in this test process: the daemon learns who asks from the kernel, verifies what the
/// client runs by device and inode, and the exit codes are the contract's.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class UnprivilegedClientTests : IDisposable
{
    private const string Nobody = "65534";
    private readonly TempDirectory _dir = new();
    private readonly RecordingEvents _events = new();
    private PardonService? _service;

    private string SocketPath => _dir["run/pardon.sock"];

    /// <summary>The `pardon` apphost the test project builds alongside itself (artifacts/bin/Pardon.Cli/CONFIG/pardon).</summary>
    private static string PardonBinary
    {
        get
        {
            string here = AppContext.BaseDirectory.TrimEnd('/');
            string path = Path.GetFullPath(Path.Combine(here, "..", "..", "Pardon.Cli", Path.GetFileName(here), "pardon"));
            Assert.True(File.Exists(path), $"the pardon executable is not at {path} (the test project builds it)");
            return path;
        }
    }

    private void StartService(params string[] allowed)
    {
        var config = new PardonConfig
        {
            Socket = SocketPath,
            StateFile = _dir["state/pardons.json"],
            Allow = allowed.Select((exe, i) => new AllowRule { Source = $"pardon.allow[{i}]", Exe = exe }).ToList(),
        };
        _service = new PardonService(config, _events, () => new DaemonStatus
        {
            Pid = Environment.ProcessId,
            Version = "e2e",
            Started = "2026-01-01T00:00:00.000Z",
            Scope = "system",
            Config = "e2e",
            Wakeups = [],
            Warnings = [],
        }, SocketPath);
        _service.Start();
    }

    [RootFact]
    public async Task PardonRequest_AsNobody_IsGrantedOnlyForAnAllowedExecutable()
    {
        string pardon = PardonBinary;
        string copy = CopyOfPardon();
        StartService(pardon);

        // `exec` keeps the shell's pid, so `--pid $$` names the pardon client itself, now running the apphost.
        Result granted = await RunAsync("/usr/bin/setpriv", Unprivileged("/bin/sh", "-c", "exec \"$0\" request --pid $$ --reason e2e --socket \"$1\"", pardon, SocketPath));
        Result denied = await RunAsync("/usr/bin/setpriv", Unprivileged("/bin/sh", "-c", "exec \"$0\" request --pid $$ --socket \"$1\"", copy, SocketPath));
        using TestProcess rootsProcess = TestProcess.Start();
        Result notOwner = await RunAsync("/usr/bin/setpriv", Unprivileged(pardon, "request", "--pid", rootsProcess.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--socket", SocketPath));
        Result parent = await RunAsync("/usr/bin/setpriv", Unprivileged("/bin/sh", "-c", "\"$0\" request --socket \"$1\"; exit $?", pardon, SocketPath));

        Assert.True(granted.Code == 0, granted.ToString());
        Assert.StartsWith("pardoned ", granted.Stdout, StringComparison.Ordinal);
        Assert.Contains("by pardon.allow[0]", granted.Stdout, StringComparison.Ordinal);
        DaemonEvent grant = Assert.Single(_events.Of("pardon_granted"));
        Assert.Equal(65534u, grant.RequesterUid);
        Assert.Equal(65534u, grant.Uid);
        Assert.Equal(pardon, grant.Exe);
        Assert.Equal("e2e", grant.Reason);

        Assert.True(denied.Code == 3, denied.ToString());
        Assert.Contains($"pardon: denied: {Path.Combine(Path.GetDirectoryName(copy)!, "pardon")} (device", denied.Stderr, StringComparison.Ordinal);
        Assert.Contains($"pardon.allow lists {pardon} (device", denied.Stderr, StringComparison.Ordinal);
        Assert.Contains("a copy or renamed file does not match", denied.Stderr, StringComparison.Ordinal);
        Assert.Empty(denied.Stdout);

        Assert.True(notOwner.Code == 3, notOwner.ToString());
        Assert.Contains($"pardon: denied: process {rootsProcess.Pid} (sleep) belongs to uid 0, you are uid 65534", notOwner.Stderr, StringComparison.Ordinal);

        // Without --pid the target is the client's parent: here the shell, which pardon.allow does not list.
        Assert.True(parent.Code == 3, parent.ToString());
        Assert.Matches(@"^pardon: denied: /\S+ \(device \d+:\d+ inode \d+\) is not an allowed executable", parent.Stderr);

        Assert.Equal([PardonCodes.ExeNotAllowed, PardonCodes.NotOwner, PardonCodes.ExeNotAllowed], _events.Of("pardon_denied").Select(e => e.Code));
    }

    [RootFact]
    public async Task PardonRun_AsNobody_PardonsTheCommand_OrWarnsAndRunsItAnyway()
    {
        string pardon = PardonBinary;
        StartService("/usr/bin/sleep");

        // COMMAND must outlive the client's start-up (a JIT start as uid 65534 on a busy 2-core CI machine can
        // take longer than half a second): a COMMAND gone before its request arrives is, rightly, not pardoned.
        Result pardoned = await RunAsync("/usr/bin/setpriv", Unprivileged(pardon, "run", "--socket", SocketPath, "--reason", "locker", "--", "/usr/bin/sleep", "2"));
        Result unpardoned = await RunAsync("/usr/bin/setpriv", Unprivileged(pardon, "run", "--socket", SocketPath, "--", "/bin/sh", "-c", "sleep 2; exit 7"));

        Assert.True(pardoned.Code == 0, pardoned.ToString());
        Assert.Empty(pardoned.Stderr);
        Assert.True(_events.Of("pardon_granted").Count == 1, "denied: " + string.Join("; ", _events.Of("pardon_denied").Select(e => e.Message)));
        DaemonEvent grant = Assert.Single(_events.Of("pardon_granted"));
        Assert.Equal("/usr/bin/sleep", grant.Exe);
        Assert.Equal(65534u, grant.RequesterUid);
        Assert.Equal("locker", grant.Reason);
        DaemonEvent released = Assert.Single(_events.Of("pardon_released"));
        Assert.Equal(PardonCodes.Released, released.Code);
        Assert.Equal(grant.Pid, released.Pid);
        Assert.Equal(0, _service!.View.Count);

        Assert.True(unpardoned.Code == 7, unpardoned.ToString());
        Assert.Contains("pardon: warning: /bin/sh runs without a pardon: denied: ", unpardoned.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PardonRun_ForwardsSigterm_AndExitsWithTheCommandsStatus()
    {
        string pardon = PardonBinary;
        StartService();
        var start = new ProcessStartInfo(pardon) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "run", "--socket", SocketPath, "--", "/bin/sh", "-c", "trap 'exit 42' TERM; while :; do sleep 0.05; done" })
        {
            start.ArgumentList.Add(a);
        }

        using var run = Process.Start(start)!;
        var sw = Stopwatch.StartNew();
        while (_service!.View.Count == 0 && sw.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, _service.View.Count);
        Assert.Equal(0, Interop.Libc.Kill(run.Id, Interop.Libc.SIGTERM));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await run.WaitForExitAsync(cts.Token);

        Assert.Equal(42, run.ExitCode);
    }

    [Fact]
    public async Task PardonRequest_NoDaemon_ExitsOne_SayingWhy()
    {
        string socket = _dir["none.sock"];

        Result r = await RunAsync(PardonBinary, "request", "--pid", "1", "--socket", socket);

        Assert.Equal(1, r.Code);
        Assert.Equal($"pardon: cannot reach the Pardon daemon at {socket}: no such file (is pardon daemon running?)\n", r.Stderr);
    }

    [Fact]
    public async Task PardonListStatusRelease_AgainstTheService()
    {
        string pardon = PardonBinary;
        StartService();
        using TestProcess child = TestProcess.Start();

        Result request = await RunAsync(pardon, "request", "--pid", child.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ttl", "10m", "--reason", "db", "--socket", SocketPath);
        Result list = await RunAsync(pardon, "list", "--socket", SocketPath);
        Result listJson = await RunAsync(pardon, "list", "--json", "--socket", SocketPath);
        Result status = await RunAsync(pardon, "status", "--socket", SocketPath);
        Result release = await RunAsync(pardon, "release", "--pid", child.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--socket", SocketPath);
        Result again = await RunAsync(pardon, "release", "--pid", child.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--socket", SocketPath);

        Assert.True(request.Code == 0, request.ToString());
        Assert.Contains("by root: ceiling 1 GiB, until ", request.Stdout, StringComparison.Ordinal);
        Assert.True(list.Code == 0, list.ToString());
        Assert.Contains("PID", list.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{child.Pid}", list.Stdout, StringComparison.Ordinal);
        Assert.Contains(" db", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"start_time\": " + child.StartTime, listJson.Stdout, StringComparison.Ordinal);
        Assert.True(status.Code == 0, status.ToString());
        Assert.Contains("Pardon daemon", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("kernel_protect: ", status.Stdout, StringComparison.Ordinal);
        Assert.True(release.Code == 0, release.ToString());
        Assert.Equal(3, again.Code);
        Assert.Contains("holds no pardon", again.Stderr, StringComparison.Ordinal);
    }

    private static string[] Unprivileged(params string[] command)
        => [$"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", .. command];

    /// <summary>The pardon output directory copied (new inodes, same bytes), readable by everyone: a "renamed copy".</summary>
    private string CopyOfPardon()
    {
        string from = Path.GetDirectoryName(PardonBinary)!;
        string to = _dir["copy"];
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            string target = Path.Combine(to, Path.GetFileName(file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
        }

        File.SetUnixFileMode(to, (UnixFileMode)0b111_101_101);
        return Path.Combine(to, "pardon");
    }

    private static async Task<Result> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return new Result(p.ExitCode, await stdout, await stderr, string.Join(' ', args));
    }

    public void Dispose()
    {
        _service?.Dispose();
        _dir.Dispose();
    }

    private sealed record Result(int Code, string Stdout, string Stderr, string Command)
    {
        public override string ToString() => $"`{Command}` exited {Code}\nstdout: {Stdout}\nstderr: {Stderr}";
    }
}
