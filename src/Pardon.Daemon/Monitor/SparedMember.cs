// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Monitor;

/// <summary>A member of a kill unit left alive, and why ("pid 1 (init)", "pardoned", "protected by protect[0]", ...).</summary>
public readonly record struct SparedMember(int Pid, string Comm, string Reason);
