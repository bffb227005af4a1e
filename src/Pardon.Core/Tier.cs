// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// Rules sort candidates into tiers before scores are compared: a preferred process goes before any
/// ordinary one, and a protected process only when nothing else is left.
/// </summary>
public enum Tier
{
    Protected = 0,
    Normal = 1,
    Preferred = 2,
}
