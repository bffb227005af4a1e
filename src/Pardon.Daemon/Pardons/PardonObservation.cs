// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Pardons;

namespace Pardon.Daemon.Pardons;

/// <summary>What the monitor saw about one pardoned process in a scan and posts to the pardon worker: its pardon does not hold.</summary>
/// <param name="Key">The process.</param>
/// <param name="Lapse">Why the pardon does not protect it.</param>
/// <param name="HeldKiB">The memory the scan saw it hold (RSS + swap + what the worker measured outside them), KiB.</param>
public readonly record struct PardonObservation(PardonKey Key, PardonLapse Lapse, long HeldKiB);
