// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.Core.Scopes;

namespace Pardon.Daemon.Configuration;

public static partial class ConfigLoader
{
    /// <summary>`"scopes": ["system", "/sys/fs/cgroup/memory/docker/*"]`: "system" or absolute cgroup patterns.</summary>
    private static void ApplyScopes(PardonConfig config, JsonElement value, string path, Validator v)
    {
        List<string> scopes = v.Array(value, path, (e, p) =>
        {
            string? s = v.String(e, p);
            if (s is null || s == PardonConfig.SystemScope)
            {
                return s;
            }

            if (!CgroupPattern.TryParse(s, out _, out string error))
            {
                v.Error(p, $"{error}; give \"system\" or a memory cgroup directory or glob");
                return null;
            }

            return s;
        });
        config.Scopes = scopes.Distinct(StringComparer.Ordinal).ToList();
    }
}
