// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;

namespace Pardon.Daemon.Configuration;

public static partial class ConfigWriter
{
    private static void WriteScopes(Utf8JsonWriter w, PardonConfig c)
    {
        w.WriteStartArray("scopes");
        foreach (string scope in c.Scopes.Count > 0 ? c.Scopes : [PardonConfig.SystemScope])
        {
            w.WriteStringValue(scope);
        }

        w.WriteEndArray();
    }
}
