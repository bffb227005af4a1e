// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Daemon.Pardons;

namespace Pardon.Daemon.Configuration;

public sealed partial class PardonConfig
{
    /// <summary>The default of pardon.socket.</summary>
    public const string DefaultSocket = "/run/pardon/pardon.sock";

    /// <summary>The default of pardon.state.</summary>
    public const string DefaultStateFile = "/run/pardon/pardons.json";

    /// <summary>Connections one (non-root) uid may hold on the pardon socket at once.</summary>
    public int MaxConnectionsPerUser { get; set; } = 8;

    /// <summary>Requests one (non-root) uid may send per second, on average; bursts of twice as many pass.</summary>
    public double RequestsPerSecond { get; set; } = 10;

    /// <summary>The longest a connection to the pardon socket stays open.</summary>
    public TimeSpan ConnectionLifetime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the pardon worker re-verifies every pardon (alive, executable, memory, expiry).</summary>
    public TimeSpan PardonSweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The socket server's limits from this configuration.</summary>
    public PardonServerOptions ToServerOptions() => new()
    {
        MaxConnectionsPerUser = MaxConnectionsPerUser,
        RequestsPerSecond = RequestsPerSecond,
        ConnectionLifetime = ConnectionLifetime,
    };

    /// <summary>
    /// The state file: --state when given; else pardon.state when it was set to something other than its default;
    /// else, for a socket moved elsewhere (--socket or pardon.socket), pardons.json beside the socket — two
    /// daemons on two sockets never share a state file by accident; else the default.
    /// </summary>
    public static string ResolveStateFile(PardonConfig config, string? stateOption)
    {
        if (stateOption is not null)
        {
            return Path.GetFullPath(stateOption);
        }

        if (config.StateFile != DefaultStateFile || config.Socket == DefaultSocket)
        {
            return config.StateFile;
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(config.Socket));
        return string.IsNullOrEmpty(directory) ? config.StateFile : Path.Combine(directory, "pardons.json");
    }
}
