// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// A file named by device and inode rather than by path: a renamed copy or a replaced file has another
/// identity, so it cannot borrow a rule written for the original.
/// </summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    public bool IsKnown => Inode != 0;

    public override string ToString() => IsKnown ? $"{Device >> 8}:{Device & 0xff}/{Inode}" : "unknown";
}
