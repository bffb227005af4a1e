// This file is part of Pardon, a userspace OOM killer for Linux.

using System.IO.Enumeration;
using System.Text;
using System.Text.RegularExpressions;
using Pardon.Core.Containers;

namespace Pardon.Core;

/// <summary>
/// A match on a process: every criterion given must hold. Executable and cgroup are globs ('*' and '?',
/// where '*' also crosses '/'), command line and name are regular expressions (searched, not anchored),
/// user is a uid (names are resolved when the configuration is loaded), container is a glob over the
/// container's id (full or short; "*" is any container), qos a Kubernetes QoS class.
/// </summary>
public sealed class ProcessRule
{
    /// <summary>Where the rule came from, for explanations: "protect[0]", "prefer[2]".</summary>
    public required string Source { get; init; }

    public string? Exe { get; init; }

    public Regex? Cmdline { get; init; }

    public Regex? Comm { get; init; }

    public uint? Uid { get; init; }

    /// <summary>The user as written in the configuration (a name or a number), for explanations.</summary>
    public string? User { get; init; }

    public string? Cgroup { get; init; }

    /// <summary>A glob over the id of the container the process runs in ("*": any container), or null.</summary>
    public string? Container { get; init; }

    /// <summary>The Kubernetes QoS class the process must have, or null.</summary>
    public QosClass? Qos { get; init; }

    /// <summary>The kill unit for processes this rule matches, or null to leave it unchanged.</summary>
    public KillUnit? Unit { get; init; }

    public bool Matches(ProcessFacts p)
    {
        if (Exe is not null && (p.Exe is null || !FileSystemName.MatchesSimpleExpression(Exe, StripDeleted(p.Exe), ignoreCase: false)))
        {
            return false;
        }

        if (Uid is uint uid && p.Uid != uid)
        {
            return false;
        }

        if (Cgroup is not null && (p.Cgroup is null || !FileSystemName.MatchesSimpleExpression(Cgroup, p.Cgroup, ignoreCase: false)))
        {
            return false;
        }

        if (Comm is not null && !Searches(Comm, p.Comm))
        {
            return false;
        }

        if (Container is not null && !MatchesContainer(Container, p.Container))
        {
            return false;
        }

        if (Qos is QosClass qos && p.Qos != qos)
        {
            return false;
        }

        return Cmdline is null || Searches(Cmdline, p.Cmdline);
    }

    /// <summary>
    /// A regex search that never throws into the kill path. The configuration builds rules with the
    /// non-backtracking engine (linear time, no timeout); a rule built otherwise that times out counts as
    /// not matching, so one bad rule costs its own effect, never the decision.
    /// </summary>
    private static bool Searches(Regex regex, string input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>"exe /usr/bin/i3lock, user 1000".</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        Append(sb, "exe", Exe);
        Append(sb, "cmdline ~", Cmdline is null ? null : $"/{Cmdline}/");
        Append(sb, "comm ~", Comm is null ? null : $"/{Comm}/");
        Append(sb, "user", User ?? Uid?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Append(sb, "cgroup", Cgroup);
        Append(sb, "container", Container);
        Append(sb, "qos", Qos is QosClass q ? KubernetesQos.Name(q) : null);
        return sb.Length == 0 ? "any process" : sb.ToString();

        static void Append(StringBuilder sb, string key, string? value)
        {
            if (value is null)
            {
                return;
            }

            if (sb.Length > 0)
            {
                sb.Append(", ");
            }

            sb.Append(key).Append(' ').Append(value);
        }
    }

    private static bool MatchesContainer(string glob, ContainerIdentity identity)
        => identity.ContainerId is { } id &&
            (FileSystemName.MatchesSimpleExpression(glob, id, ignoreCase: false) ||
             FileSystemName.MatchesSimpleExpression(glob, identity.Container!, ignoreCase: false));

    /// <summary>/proc/PID/exe of a replaced or deleted binary ends in " (deleted)" (d_path()); match the path itself.</summary>
    internal static string StripDeleted(string exe)
        => exe.EndsWith(" (deleted)", StringComparison.Ordinal) ? exe[..^" (deleted)".Length] : exe;
}
