// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real `pardon daemon` executable scoped to one <see cref="TestCgroup"/>, run from the test process's
/// own cgroup (it watches the test cgroup from outside, as a deployed daemon would). Everything it needs —
/// events file, socket, configuration, pardon state — lives in a temporary directory of its own, so runs
/// never share state with each other or with a system daemon. The process itself is a
/// <see cref="SandboxDaemon"/> (start, events, stop); this adds the directory and its configuration, and
/// Dispose removes the directory once the daemon is gone.
/// </summary>
public sealed partial class DaemonProcess : IDisposable
{
    private readonly SandboxDaemon _daemon;
    private bool _disposed;

    private DaemonProcess(string directory, SandboxDaemon daemon)
    {
        Directory = directory;
        _daemon = daemon;
    }

    /// <summary>The daemon's own temporary directory.</summary>
    public string Directory { get; }

    public string EventsPath => _daemon.EventsPath;

    public string SocketPath => Path.Combine(Directory, "pardon.sock");

    public string ConfigPath => Path.Combine(Directory, "pardon.jsonc");

    public int Pid => _daemon.Pid;

    public bool HasExited => _daemon.HasExited;

    /// <summary>
    /// Writes the configuration — the pardon state file inside <see cref="Directory"/>, plus
    /// <paramref name="configMembers"/>: more top-level members, e.g. <c>"kill": { "grace": "1s" }</c> —
    /// starts the daemon with <paramref name="arguments"/> after the standard ones, and waits for `start`.
    /// </summary>
    public static DaemonProcess Start(TestCgroup cgroup, ITestOutputHelper log, string? configMembers = null, params string[] arguments)
        => StartWith(["--cgroup", cgroup.Path], log, configMembers, arguments);

    /// <summary>Like <see cref="Start"/>, scoped to <paramref name="scopeDirectory"/> (a cgroup inside a test cgroup, e.g. a kubelet-like tree's kubepods).</summary>
    public static DaemonProcess StartScoped(string scopeDirectory, ITestOutputHelper log, string? configMembers = null, params string[] arguments)
        => StartWith(["--cgroup", scopeDirectory], log, configMembers, arguments);

    /// <summary>As <see cref="Start"/>, with <paramref name="scopeArguments"/> (e.g. several --cgroup patterns) instead of one cgroup.</summary>
    public static DaemonProcess StartWith(string[] scopeArguments, ITestOutputHelper log, string? configMembers = null, params string[] arguments)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("pardon-e2e-daemon-").FullName;
        try
        {
            string config = Path.Combine(directory, "pardon.jsonc");
            string state = JsonString(Path.Combine(directory, "pardons.json"));
            File.WriteAllText(config, $$"""
                // written by the end-to-end tests (DaemonProcess)
                {
                  "pardon": { "state": {{state}} }{{(configMembers is null ? "" : ",\n  " + configMembers)}}
                }

                """);

            string events = Path.Combine(directory, "events.jsonl");
            string[] args =
            [
                "daemon", .. scopeArguments, "--events", events,
                "--socket", Path.Combine(directory, "pardon.sock"), "--config", config, .. arguments,
            ];
            return new DaemonProcess(directory, SandboxDaemon.Start(log, args, events));
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary><paramref name="value"/> as a JSON string literal, quotes included (for configuration text).</summary>
    public static string JsonString(string value) => "\"" + JsonEncodedText.Encode(value).ToString() + "\"";

    /// <inheritdoc cref="SandboxDaemon.ReadEvents"/>
    public List<JsonElement> ReadEvents() => _daemon.ReadEvents();

    /// <inheritdoc cref="SandboxDaemon.WaitForEvent(Func{JsonElement, bool}, TimeSpan, string)"/>
    public JsonElement WaitForEvent(Func<JsonElement, bool> match, TimeSpan timeout, string what) => _daemon.WaitForEvent(match, timeout, what);

    /// <inheritdoc cref="SandboxDaemon.Stop"/>
    public List<JsonElement> Stop() => _daemon.Stop();

    /// <inheritdoc cref="SandboxDaemon.Describe"/>
    public string Describe() => _daemon.Describe();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _daemon.Dispose();
        }
        finally
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
