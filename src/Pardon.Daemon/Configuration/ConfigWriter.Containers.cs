// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;

namespace Pardon.Daemon.Configuration;

public static partial class ConfigWriter
{
    private static void WriteContainers(Utf8JsonWriter w, PardonConfig c)
    {
        w.WriteStartObject("containers");
        w.WriteBoolean("qos_order", c.QosOrder);
        w.WriteEndObject();
    }
}
