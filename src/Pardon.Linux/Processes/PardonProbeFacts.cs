// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Linux.Processes;

/// <summary>What <see cref="PardonProbe"/> read about a pinned process.</summary>
/// <param name="StartTime">Field 22 of /proc/PID/stat.</param>
/// <param name="Uid">Its real uid.</param>
/// <param name="Exe">Device and inode of the executable it runs now (statx of /proc/PID/exe); unknown when unreadable.</param>
/// <param name="Memory">The memory it holds.</param>
public readonly record struct PardonProbeFacts(ulong StartTime, uint Uid, FileIdentity Exe, HeldMemory Memory);
