// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Io;

/// <summary>
/// Enumerates a directory descriptor with getdents64(2) into a reused buffer, yielding each entry's name
/// as bytes. Hand-written because the BCL enumerators allocate a string per entry.
/// </summary>
internal sealed unsafe class DirectoryReader
{
    private readonly byte[] _buffer = new byte[32 * 1024];

    /// <summary>Calls <paramref name="visit"/> for each entry except "." and "..". Returns false if reading failed.</summary>
    public bool ForEach<TState>(int dirfd, ref TState state, EntryVisitor<TState> visit)
        where TState : allows ref struct
    {
        if (Interop.Libc.LSeek(dirfd, 0, Interop.Libc.SEEK_SET) < 0)
        {
            return false;
        }

        fixed (byte* b = _buffer)
        {
            while (true)
            {
                nint n = Interop.Libc.GetDents64(dirfd, b, (nuint)_buffer.Length);
                if (n == 0)
                {
                    return true;
                }

                if (n < 0)
                {
                    return false;
                }

                int offset = 0;
                while (offset < n)
                {
                    ReadOnlySpan<byte> record = new(b + offset, (int)n - offset);
                    ushort recLen = (ushort)(record[Interop.Libc.Dirent64RecLenOffset] | (record[Interop.Libc.Dirent64RecLenOffset + 1] << 8));
                    ulong ino = *(ulong*)(b + offset);
                    byte type = record[Interop.Libc.Dirent64TypeOffset];
                    ReadOnlySpan<byte> nameField = record[Interop.Libc.Dirent64NameOffset..recLen];
                    int nul = nameField.IndexOf((byte)0);
                    ReadOnlySpan<byte> name = nul < 0 ? nameField : nameField[..nul];
                    offset += recLen;
                    if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                    {
                        continue;
                    }

                    visit(ref state, name, type, ino);
                }
            }
        }
    }

    public delegate void EntryVisitor<TState>(ref TState state, ReadOnlySpan<byte> name, byte type, ulong inode)
        where TState : allows ref struct;
}
