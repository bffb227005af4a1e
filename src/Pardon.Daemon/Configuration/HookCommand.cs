// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Configuration;

/// <summary>A hook: an executable (absolute path, run directly, no shell) and its arguments.</summary>
public sealed record HookCommand(string Path, IReadOnlyList<string> Arguments)
{
    public override string ToString() => Arguments.Count == 0 ? Path : Path + " " + string.Join(' ', Arguments);
}
