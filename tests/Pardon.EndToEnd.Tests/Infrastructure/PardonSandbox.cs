// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Everything a pardon test needs besides its cgroup, in one temporary directory of mode 0755 that
/// unprivileged users (uid 65534 and 65533) can traverse: copies of memhog and of the `pardon` CLI they may
/// execute (the build output may sit under a directory they cannot reach), the daemon's configuration,
/// pardon state file, socket and event logs. The state file and socket keep their paths across daemon
/// restarts. Processes and commands run as another user through setpriv(1); a process started in a
/// <see cref="TestCgroup"/> joins it (the shell writes cgroup.procs as root) before the uid switch.
/// Dispose removes the directory.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PardonSandbox : IDisposable
{
    /// <summary>The unprivileged user that asks for pardons (nobody).</summary>
    public const int User = 65534;

    /// <summary>Another unprivileged user, whose processes <see cref="User"/> does not own.</summary>
    public const int OtherUser = 65533;

    private static readonly UnixFileMode s_traversable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly ITestOutputHelper _log;
    private int _daemons;
    private bool _disposed;

    private PardonSandbox(string directory, ITestOutputHelper log)
    {
        Directory = directory;
        _log = log;
    }

    /// <summary>The sandbox's directory (mode 0755).</summary>
    public string Directory { get; }

    /// <summary>The memhog copy the configuration's pardon.allow[0] names.</summary>
    public string AllowedMemhog => Path.Combine(Directory, "bin", "memhog");

    /// <summary>The very same memhog bytes at another path, which pardon.allow does not name.</summary>
    public string CopiedMemhog => Path.Combine(Directory, "copy", "memhog");

    /// <summary>The pclient helper (helpers/pclient.c): a raw, possibly hostile client of the socket any user may run.</summary>
    public string Pclient => Path.Combine(Directory, "bin", "pclient");

    /// <summary>The `pardon` executable (apphost) every user may run.</summary>
    public string Cli => Path.Combine(Directory, "cli", "pardon");

    public string SocketPath => Path.Combine(Directory, "run", "pardon.sock");

    public string StatePath => Path.Combine(Directory, "state", "pardons.json");

    public string ConfigPath => Path.Combine(Directory, "pardon.jsonc");

    /// <summary>setpriv(1), which runs a program under another uid.</summary>
    public static string Setpriv { get; } = File.Exists("/usr/bin/setpriv") ? "/usr/bin/setpriv" : "/bin/setpriv";

    /// <summary>Creates the directory, the copies, and a configuration allowing <see cref="AllowedMemhog"/> under <paramref name="maxRss"/>.</summary>
    public static PardonSandbox Create(ITestOutputHelper log, string maxRss = "200MiB")
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("pardon-e2e-pardons-").FullName;
        var sandbox = new PardonSandbox(directory, log);
        try
        {
            File.SetUnixFileMode(directory, s_traversable);
            for (DirectoryInfo? d = new DirectoryInfo(directory).Parent; d is not null; d = d.Parent)
            {
                if ((d.UnixFileMode & UnixFileMode.OtherExecute) == 0)
                {
                    throw new InvalidOperationException(
                        $"uid {User} cannot reach the pardon sandbox {directory}: {d.FullName} is not searchable by others (set TMPDIR to a directory that is)");
                }
            }

            CopyExecutable(Memhog.Path, sandbox.AllowedMemhog);
            CopyExecutable(Memhog.Path, sandbox.CopiedMemhog);
            CopyExecutable(System.IO.Path.Combine(AppContext.BaseDirectory, "pclient"), sandbox.Pclient);
            CopyCli(Path.Combine(directory, "cli"));
            sandbox.WriteConfig(maxRss);
        }
        catch
        {
            sandbox.Dispose();
            throw;
        }

        return sandbox;
    }

    /// <summary>
    /// (Re)writes the configuration: pardon.state in the sandbox, pardon.allow[0] the allowed memhog with
    /// ceiling <paramref name="maxRss"/>, and growth.weight 0 — the ranking is then the kernel's badness
    /// alone, so each scenario's victim follows from the sizes it sets up, however fast the machine is.
    /// </summary>
    public void WriteConfig(string maxRss)
    {
        File.WriteAllText(ConfigPath, $$"""
            // written by the end-to-end pardon tests (PardonSandbox)
            {
              "growth": { "weight": 0 },
              "pardon": {
                "state": {{JsonString(StatePath)}},
                "allow": [ { "exe": {{JsonString(AllowedMemhog)}}, "max_rss": {{JsonString(maxRss)}} } ]
              }
            }

            """);
    }

    /// <summary>Starts the real daemon scoped to <paramref name="cgroup"/> with this sandbox's configuration, socket and a fresh event log.</summary>
    public SandboxDaemon StartDaemon(TestCgroup cgroup)
    {
        int n = Interlocked.Increment(ref _daemons);
        string events = Path.Combine(Directory, $"events-{n.ToString(CultureInfo.InvariantCulture)}.jsonl");
        return SandboxDaemon.Start(_log,
            ["daemon", "--cgroup", cgroup.Path, "--events", events, "--socket", SocketPath, "--config", ConfigPath], events);
    }

    /// <summary>Starts <paramref name="program"/> inside <paramref name="cgroup"/> as <paramref name="uid"/> (0: as root, directly).</summary>
    public static CgroupProcess StartAs(TestCgroup cgroup, int uid, string program, params string[] arguments)
        => uid == 0 ? cgroup.Start(program, arguments) : cgroup.Start(Setpriv, [.. SetprivArgs(uid), program, .. arguments]);

    /// <summary>
    /// Starts pclient against this sandbox's socket as <paramref name="uid"/>, in the test's own cgroup (it
    /// allocates nothing worth a cgroup), and waits for its "started" line. The caller kills it (its
    /// connections die with it) and disposes it.
    /// </summary>
    public CgroupProcess StartPclient(int uid, params string[] arguments)
    {
        CgroupProcess client = uid == 0
            ? CgroupProcess.StartHere(Pclient, [SocketPath, .. arguments])
            : CgroupProcess.StartHere(Setpriv, [.. SetprivArgs(uid), Pclient, SocketPath, .. arguments]);
        try
        {
            client.WaitForLine("started ", TimeSpan.FromSeconds(10));
        }
        catch
        {
            client.Kill();
            client.Dispose();
            throw;
        }

        return client;
    }

    /// <summary>Runs `pardon ARGS… --socket SOCKET` as <paramref name="uid"/> (0: as root) to completion.</summary>
    public Task<PardonResult> PardonAsync(int uid, params string[] arguments)
        => RunAsync(uid, Cli, [.. arguments, "--socket", SocketPath]);

    /// <summary>`pardon rank --cgroup DIR --json`, as root, with the daemon's socket (for its pardons) and configuration; checks exit 0.</summary>
    public async Task<JsonElement> RankAsync(TestCgroup cgroup)
    {
        PardonResult rank = await PardonAsync(0, "rank", "--cgroup", cgroup.Path, "--json", "--config", ConfigPath);
        Assert.True(rank.ExitCode == 0, rank.ToString());
        using JsonDocument doc = JsonDocument.Parse(rank.Stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>`pardon list --json` as <paramref name="uid"/>; checks exit 0 and returns the answer.</summary>
    public async Task<JsonElement> ListAsync(int uid = User)
    {
        PardonResult list = await PardonAsync(uid, "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        using JsonDocument doc = JsonDocument.Parse(list.Stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>Runs <paramref name="program"/> as <paramref name="uid"/> (0: as root) to completion, killing it after <paramref name="timeout"/> (default 60 s).</summary>
    public static async Task<PardonResult> RunAsync(int uid, string program, string[] arguments, TimeSpan? timeout = null)
    {
        string[] argv = uid == 0 ? [program, .. arguments] : [Setpriv, .. SetprivArgs(uid), program, .. arguments];
        var psi = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in argv.AsSpan(1))
        {
            psi.ArgumentList.Add(a);
        }

        string shown = $"(uid {uid}) {string.Join(' ', [Path.GetFileName(program), .. arguments])}";
        using Process process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + shown);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Our own child, not yet reaped: its pid cannot have been reused.
            process.Kill();
            throw new TimeoutException($"{shown} did not finish in time");
        }

        return new PardonResult(process.ExitCode, await stdout, await stderr, shown);
    }

    /// <summary><paramref name="value"/> as a JSON string literal, quotes included.</summary>
    public static string JsonString(string value) => "\"" + JsonEncodedText.Encode(value).ToString() + "\"";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static string[] SetprivArgs(int uid)
    {
        string id = uid.ToString(CultureInfo.InvariantCulture);
        return ["--reuid=" + id, "--regid=" + id, "--clear-groups"];
    }

    private static void CopyExecutable(string source, string destination)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!, s_traversable);
        File.Copy(source, destination);
        File.SetUnixFileMode(destination, s_traversable);
    }

    /// <summary>
    /// Copies the `pardon` apphost with what it loads: its runtimeconfig and deps files and every assembly
    /// its deps file lists (the rest of the test output is not needed).
    /// </summary>
    private static void CopyCli(string directory)
    {
        string source = Path.GetDirectoryName(PardonRunner.Path)!;
        CopyExecutable(PardonRunner.Path, Path.Combine(directory, "pardon"));
        var files = new HashSet<string>(StringComparer.Ordinal) { "pardon.dll", "pardon.deps.json", "pardon.runtimeconfig.json" };
        using (JsonDocument deps = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(source, "pardon.deps.json"))))
        {
            foreach (JsonProperty target in deps.RootElement.GetProperty("targets").EnumerateObject())
            {
                foreach (JsonProperty library in target.Value.EnumerateObject())
                {
                    if (library.Value.TryGetProperty("runtime", out JsonElement runtime))
                    {
                        foreach (JsonProperty assembly in runtime.EnumerateObject())
                        {
                            files.Add(Path.GetFileName(assembly.Name));
                        }
                    }
                }
            }
        }

        foreach (string file in files)
        {
            string from = Path.Combine(source, file);
            if (File.Exists(from))
            {
                File.Copy(from, Path.Combine(directory, file));
                File.SetUnixFileMode(Path.Combine(directory, file), s_traversable & ~UnixFileMode.UserExecute & ~UnixFileMode.GroupExecute & ~UnixFileMode.OtherExecute);
            }
        }
    }
}
