// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core;

/// <summary>
/// A file named by device and inode rather than by path: a renamed copy or a replaced file has another
/// identity, so it cannot borrow a rule written for the original.
/// </summary>
/// <remarks>
/// The one home of the device encoding: <see cref="Device"/> holds the major number in its high 32 bits and
/// the minor in its low 32 bits, as statx(2) reports them (stx_dev_major, stx_dev_minor). It is not the
/// kernel's dev_t (whose glibc encoding splits both numbers across the word); nothing compares the two.
/// The pardon state file and the protocol's `exe_dev` carry this value, so it must not change.
/// </remarks>
public readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    /// <summary>The identity statx(2) reports: device as major and minor, and the inode.</summary>
    public static FileIdentity FromDevice(uint major, uint minor, ulong inode) => new(((ulong)major << 32) | minor, inode);

    public bool IsKnown => Inode != 0;

    /// <summary>The device's major number.</summary>
    public uint Major => (uint)(Device >> 32);

    /// <summary>The device's minor number.</summary>
    public uint Minor => (uint)(Device & 0xffff_ffff);

    /// <summary>"device 254:1 inode 1234" (the device as major:minor), or "missing" for an unresolved path.</summary>
    public string Describe()
        => IsKnown ? string.Create(CultureInfo.InvariantCulture, $"device {Major}:{Minor} inode {Inode}") : "missing";

    /// <summary>"254:1/1234", or "unknown".</summary>
    public override string ToString()
        => IsKnown ? string.Create(CultureInfo.InvariantCulture, $"{Major}:{Minor}/{Inode}") : "unknown";
}
