// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary>getdents64(2) into a reused buffer: every entry, across several reads, again after a rewind.</summary>
public sealed class DirectoryReaderTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void ForEach_MoreEntriesThanOneBufferHolds_SeesEachOnceAndAgain()
    {
        // 1500 records of 80 bytes do not fit the 32 KiB buffer: several getdents64 calls.
        var expected = new HashSet<string>();
        for (int i = 0; i < 1500; i++)
        {
            string name = $"an-entry-name-long-enough-to-need-several-getdents-calls-{i:D4}";
            expected.Add(name);
            if (i % 3 == 0)
            {
                _tree.CreateDirectory($"d/{name}");
            }
            else
            {
                _tree.Write($"d/{name}", "");
            }
        }

        using SafeFdHandle dir = FdIo.OpenOrThrow(_tree.PathOf("d"), Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY);
        var reader = new DirectoryReader();
        for (int pass = 0; pass < 2; pass++)
        {
            var seen = new List<(string Name, byte Type, ulong Inode)>();
            Assert.True(reader.ForEach(dir.Fd, ref seen, static (ref List<(string, byte, ulong)> list, ReadOnlySpan<byte> name, byte type, ulong inode) =>
                list.Add((Encoding.UTF8.GetString(name), type, inode))));

            Assert.Equal(1500, seen.Count);
            Assert.Equal(expected, seen.Select(e => e.Name).ToHashSet());
            const byte DT_REG = 8;
            Assert.All(seen, e => Assert.Equal(int.Parse(e.Name[^4..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0 ? Interop.Libc.DT_DIR : DT_REG, e.Type));
            Assert.All(seen, e => Assert.NotEqual(0ul, e.Inode));
        }
    }

    [Fact]
    public void ForEach_NotADirectory_ReturnsFalse()
    {
        using SafeFdHandle file = FdIo.OpenOrThrow("/proc/meminfo", Interop.Libc.O_RDONLY);
        int calls = 0;

        Assert.False(new DirectoryReader().ForEach(file.Fd, ref calls, static (ref int n, ReadOnlySpan<byte> name, byte type, ulong inode) => n++));
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Collect_ProcWithThousandsOfPids_ListsEveryNumericEntry()
    {
        for (int pid = 1; pid <= 1000; pid++)
        {
            _tree.CreateDirectory($"proc/{pid}");
        }

        foreach (string name in new[] { "self", "thread-self", "sys", "0", "-1", "1x", "4294967296" })
        {
            _tree.CreateDirectory($"proc/{name}");
        }

        _tree.Write("proc/meminfo", "");
        using var source = new ProcPidSource(_tree.PathOf("proc"));
        var pids = new PidList();

        Assert.True(source.Collect(pids));

        Assert.Equal(Enumerable.Range(1, 1000), pids.Pids.ToArray().Order());
        Assert.All(pids.Groups.ToArray(), g => Assert.Equal(0, g));
        Assert.False(source.OrderIsKernelOrder);
    }
}
