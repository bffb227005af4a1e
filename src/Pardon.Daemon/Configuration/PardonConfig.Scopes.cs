// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Configuration;

public sealed partial class PardonConfig
{
    /// <summary>The literal that names the system scope in <see cref="Scopes"/>.</summary>
    public const string SystemScope = "system";

    /// <summary>
    /// What the daemon watches: "system" (the whole machine) and memory cgroup patterns (a directory, or a
    /// glob with `*`, `?` and `**`; every memory cgroup matched is a scope of its own, also those created
    /// later). Empty: the system alone. `--cgroup` replaces the patterns given here; `--system` adds "system".
    /// </summary>
    public List<string> Scopes { get; set; } = [];
}
