// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon.Monitor;

namespace Pardon.Daemon.Service;

public sealed partial class PardonDaemon
{
    /// <summary>"; SIGKILL the culprit when memory stalls over 40% of 10 s (full, from PATH)" for the start message.</summary>
    private static string StallText(ScopeStatistics scope) => scope.Stall.Enabled
        ? $"; SIGKILL the culprit when memory stalls over {scope.Stall.AboveText} of {Units.FormatDuration(scope.Stall.ForMs)} ({scope.Stall.KindText}, from {scope.PsiSource})"
        : "";
}
