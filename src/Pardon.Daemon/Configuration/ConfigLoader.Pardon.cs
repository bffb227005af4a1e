// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;

namespace Pardon.Daemon.Configuration;

public static partial class ConfigLoader
{
    /// <summary>The pardon socket's limits and the pardon worker's sweep (docs/configuration.md).</summary>
    private static readonly string[] PardonLimitKeys = ["max_connections_per_user", "requests_per_second", "connection_lifetime", "sweep_interval"];

    private static void ApplyPardonLimit(PardonConfig config, string name, JsonElement e, string path, Validator v)
    {
        switch (name)
        {
            case "max_connections_per_user":
                if (v.Number(e, path, 1, 1_000) is double connections)
                {
                    if (connections != Math.Floor(connections))
                    {
                        v.Error(path, "must be a whole number");
                    }
                    else
                    {
                        config.MaxConnectionsPerUser = (int)connections;
                    }
                }

                break;
            case "requests_per_second":
                if (v.Number(e, path, 0.1, 10_000) is double rate)
                {
                    config.RequestsPerSecond = rate;
                }

                break;
            case "connection_lifetime":
                if (v.Duration(e, path, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) is TimeSpan lifetime)
                {
                    config.ConnectionLifetime = lifetime;
                }

                break;
            case "sweep_interval":
                if (v.Duration(e, path, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)) is TimeSpan sweep)
                {
                    config.PardonSweepInterval = sweep;
                }

                break;
        }
    }
}
