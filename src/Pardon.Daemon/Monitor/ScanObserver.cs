// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Daemon.Monitor;

/// <summary>Called by the monitor after each process scan (the pardon service checks ceilings and expiries there).</summary>
public delegate void ScanObserver(ReadOnlySpan<ProcessFacts> processes, long nowBootMs);
