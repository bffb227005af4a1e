// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Monitor;

/// <summary>
/// The 64-bit token the monitor registers each descriptor with in its epoll set, so an event says at once
/// what woke it: the kind of descriptor (bits 56–63), an index within the scope (48–55: which wake-up),
/// the scope slot's generation (32–47) and the slot (0–31). A slot is reused after its scope ends; the
/// generation tells an event of the old scope, still in the batch being handled, from the new one's.
/// </summary>
internal static class EngineToken
{
    public const byte Stop = 1;
    public const byte Wakeup = 2;
    public const byte Victim = 3;
    public const byte Watch = 4;

    public static ulong Make(byte kind, int slot, int generation, int index = 0) =>
        ((ulong)kind << 56) | ((ulong)(byte)index << 48) | ((ulong)(ushort)generation << 32) | (uint)slot;

    public static byte Kind(ulong token) => (byte)(token >> 56);

    public static int Index(ulong token) => (byte)(token >> 48);

    public static int Generation(ulong token) => (ushort)(token >> 32);

    public static int Slot(ulong token) => (int)(uint)token;
}
