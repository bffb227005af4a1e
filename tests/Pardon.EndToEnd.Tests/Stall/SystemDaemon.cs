// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pardon.EndToEnd.Tests.Stall;

/// <summary>
/// The real daemon watching the whole system — always with --dry-run: on a shared machine a system-wide
/// daemon may decide, never signal. Its files live in a temporary directory removed on Dispose.
/// </summary>
public sealed class SystemDaemon : IDisposable
{
    private readonly string _directory;

    private SystemDaemon(string directory, SandboxDaemon daemon)
    {
        _directory = directory;
        Daemon = daemon;
    }

    public SandboxDaemon Daemon { get; }

    /// <summary>Starts it with <paramref name="configMembers"/> as more top-level configuration members.</summary>
    public static SystemDaemon Start(ITestOutputHelper log, string configMembers)
    {
        string directory = Directory.CreateTempSubdirectory("pardon-e2e-system-").FullName;
        try
        {
            string config = Path.Combine(directory, "pardon.jsonc");
            File.WriteAllText(config, $$"""
                // written by the end-to-end tests (SystemDaemon)
                {
                  "pardon": { "state": {{DaemonProcess.JsonString(Path.Combine(directory, "pardons.json"))}} },
                  {{configMembers}}
                }

                """);
            string events = Path.Combine(directory, "events.jsonl");
            string[] args = ["daemon", "--dry-run", "--events", events, "--socket", Path.Combine(directory, "pardon.sock"), "--config", config];
            return new SystemDaemon(directory, SandboxDaemon.Start(log, args, events));
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Daemon.Dispose();
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
