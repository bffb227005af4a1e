// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Daemon.Configuration;

/// <summary>A protect/prefer/units entry: the compiled rule, and the text it was written as (for --print-config).</summary>
public sealed class RuleConfig
{
    public required ProcessRule Rule { get; init; }

    public string? Exe { get; init; }

    public string? Cmdline { get; init; }

    public string? Comm { get; init; }

    public string? User { get; init; }

    public string? Cgroup { get; init; }

    public string? Container { get; init; }

    public string? Qos { get; init; }

    public string? Unit { get; init; }
}
