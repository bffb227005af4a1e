// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>
/// Names one process for its whole life: a pid alone is recycled, a pid with its start time (field 22 of
/// /proc/PID/stat) never is, so a pardon can never pass to a later process that happens to get the pid.
/// </summary>
public readonly record struct PardonKey(int Pid, ulong StartTime);
