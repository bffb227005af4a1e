// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Core;
using Pardon.Daemon;

namespace Pardon.Cli.Commands;

internal static partial class StatusCommand
{
    /// <summary>One line per scope when the daemon watches more than one (or watches patterns).</summary>
    private static void WriteScopes(TextWriter output, DaemonStatus s)
    {
        if (s.Scopes is not { } scopes || (scopes.Count <= 1 && s.Patterns is null))
        {
            return;
        }

        if (s.Patterns is { Count: > 0 } patterns)
        {
            output.WriteLine($"patterns: {string.Join(", ", patterns)}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scopes ({scopes.Count}):"));
        foreach (ScopeStatus x in scopes)
        {
            string state = x.VictimPending ? ", a victim is exiting" : x.InEpisode ? ", short of memory" : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {x.Path}: {Units.FormatKiB(x.AvailableKiB)} available of {Units.FormatKiB(x.TotalKiB)}{(x.Limited ? "" : " (no limit: the machine's)")}; SIGTERM below {Units.FormatKiB(x.TermBelowKiB)}, SIGKILL below {Units.FormatKiB(x.KillBelowKiB)}; polling every {x.PollIntervalMs:0.#} ms; kills {x.Kills}{state}"));
        }
    }
}
