// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Cgroups;

/// <summary>
/// The processes of one cgroup and its descendants, in the order the kernel's memcg OOM killer meets
/// them: for_each_mem_cgroup_tree() is a pre-order walk whose children come in creation order, and
/// cgroupfs numbers its inodes in creation order, so siblings are visited by ascending inode.
/// cgroup.procs lists each cgroup's processes: in task order on v2 (css_task_iter, the iterator
/// mem_cgroup_scan_tasks() uses), sorted by pid on v1 (cgroup1 pidlists are sorted).
/// </summary>
public sealed class CgroupPidSource : IPidSource
{
    private const int MaxDepth = 32;
    private readonly byte[] _root; // UTF-8, encoded once: FdIo.Open(string) would allocate it on every walk
    private readonly DirectoryReader _reader = new();
    // Buffers start small and grow to what the subtree needs, then are reused: a daemon may watch hundreds
    // of cgroups, each with a pid source of its own, and most hold a handful of processes and no children.
    private byte[] _procs = new byte[4 * 1024];
    private readonly (ulong Inode, int NameStart, int NameLength)[][] _children = new (ulong, int, int)[MaxDepth][];
    private readonly byte[][] _names = new byte[MaxDepth][];

    public CgroupPidSource(string cgroupDirectory, CgroupVersion version)
    {
        _root = System.Text.Encoding.UTF8.GetBytes(cgroupDirectory);
        Version = version;
    }

    public CgroupVersion Version { get; }

    public bool OrderIsKernelOrder => Version == CgroupVersion.V2;

    public bool Collect(PidList into)
    {
        into.Clear();
        int rootFd = FdIo.OpenAt(Interop.Libc.AT_FDCWD, _root, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY);
        if (rootFd < 0)
        {
            return false;
        }

        try
        {
            int group = 0;
            Walk(rootFd, 0, into, ref group);
            return true;
        }
        finally
        {
            Interop.Libc.Close(rootFd);
        }
    }

    private void Walk(int dirfd, int depth, PidList into, ref int group)
    {
        int myGroup = group++;
        ReadProcs(dirfd, myGroup, into);
        if (depth + 1 >= MaxDepth)
        {
            return;
        }

        // Collect child directories, then visit them by inode (creation order). The buffers of a level
        // grow when it is wider than ever before, and are reused after that.
        var state = new ChildState(_children[depth] ??= new (ulong, int, int)[4], _names[depth] ??= new byte[256]);
        _reader.ForEach(dirfd, ref state, static (ref ChildState s, ReadOnlySpan<byte> name, byte type, ulong inode) =>
        {
            if (type != Interop.Libc.DT_DIR)
            {
                return;
            }

            if (s.Count == s.Children.Length)
            {
                Array.Resize(ref s.Children, s.Children.Length * 2);
            }

            if (s.NameUsed + name.Length > s.Names.Length)
            {
                Array.Resize(ref s.Names, Math.Max(s.Names.Length * 2, s.NameUsed + name.Length));
            }

            name.CopyTo(s.Names.AsSpan(s.NameUsed));
            s.Children[s.Count++] = (inode, s.NameUsed, name.Length);
            s.NameUsed += name.Length;
        });
        _children[depth] = state.Children;
        _names[depth] = state.Names;

        Span<(ulong Inode, int NameStart, int NameLength)> children = _children[depth].AsSpan(0, state.Count);
        children.Sort(static (a, b) => a.Inode.CompareTo(b.Inode));
        for (int i = 0; i < children.Length; i++)
        {
            ReadOnlySpan<byte> name = _names[depth].AsSpan(children[i].NameStart, children[i].NameLength);
            int child = FdIo.OpenAt(dirfd, name, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY);
            if (child < 0)
            {
                continue; // removed while we walked
            }

            try
            {
                Walk(child, depth + 1, into, ref group);
            }
            finally
            {
                Interop.Libc.Close(child);
            }
        }
    }

    private void ReadProcs(int dirfd, int group, PidList into)
    {
        int n;
        while ((n = FdIo.ReadFileAt(dirfd, "cgroup.procs"u8, _procs)) == _procs.Length)
        {
            _procs = new byte[_procs.Length * 2];
        }

        if (n <= 0)
        {
            return;
        }

        ReadOnlySpan<byte> content = _procs.AsSpan(0, n);
        foreach (Range r in content.Split((byte)'\n'))
        {
            if (Utf8Number.TryParseInt32(content[r], out int pid) && pid > 0)
            {
                into.Add(pid, group);
            }
        }
    }

    private ref struct ChildState
    {
        public ChildState((ulong, int, int)[] children, byte[] names)
        {
            Children = children;
            Names = names;
        }

        public (ulong Inode, int NameStart, int NameLength)[] Children;
        public byte[] Names;
        public int Count;
        public int NameUsed;
    }
}
