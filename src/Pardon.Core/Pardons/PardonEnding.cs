// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>A pardon a sweep found must end, and why (<see cref="PardonCodes.CeilingExceeded"/>, <see cref="PardonCodes.Expired"/>, <see cref="PardonCodes.ExeChanged"/>).</summary>
/// <param name="Grant">The pardon.</param>
/// <param name="Code">Why it ends.</param>
/// <param name="UsedKiB">RSS + swap of the process at the sweep, in KiB; -1 when it was not seen.</param>
public readonly record struct PardonEnding(PardonGrant Grant, string Code, long UsedKiB);
