// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using Pardon.Linux.Monitoring;
using Pardon.Linux.Processes;

namespace Pardon.Linux.Tests;

/// <summary>
/// The monitor's epoll set and the registry's directory watcher: their constants and the epoll_event layout
/// against the C headers (compiled with the machine's compiler), and their behaviour on the live kernel.
/// </summary>
public sealed class EpollAndInotifyTests : IDisposable
{
    private const string Program = """
        #include <stdio.h>
        #include <stddef.h>
        #include <sys/epoll.h>
        #include <sys/inotify.h>
        #define P(name) printf("%s %lld\n", #name, (long long)(name))
        #define S(name, value) printf("%s %lld\n", name, (long long)(value))
        int main(void)
        {
            P(EPOLL_CLOEXEC); P(EPOLL_CTL_ADD); P(EPOLL_CTL_DEL); P(EPOLL_CTL_MOD);
            P(EPOLLIN); P(EPOLLPRI); P(EPOLLERR); P(EPOLLHUP);
            P(IN_CLOEXEC); P(IN_NONBLOCK); P(IN_MOVED_FROM); P(IN_MOVED_TO); P(IN_CREATE); P(IN_DELETE);
            P(IN_DELETE_SELF); P(IN_MOVE_SELF); P(IN_Q_OVERFLOW); P(IN_IGNORED); P(IN_ONLYDIR); P(IN_ISDIR);
            S("sizeof epoll_event", sizeof(struct epoll_event));
            S("offsetof epoll_event.data", offsetof(struct epoll_event, data));
            S("sizeof inotify_event", sizeof(struct inotify_event));
            return 0;
        }
        """;

    private static readonly Lazy<Dictionary<string, long>> s_c = new(() => CHeaderProbe.CompileAndRun(Program, "epoll"));
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    public static TheoryData<string, long> Values => new()
    {
        { "EPOLL_CLOEXEC", Interop.Libc.EPOLL_CLOEXEC },
        { "EPOLL_CTL_ADD", Interop.Libc.EPOLL_CTL_ADD },
        { "EPOLL_CTL_DEL", Interop.Libc.EPOLL_CTL_DEL },
        { "EPOLL_CTL_MOD", Interop.Libc.EPOLL_CTL_MOD },
        { "EPOLLIN", Interop.Libc.EPOLLIN },
        { "EPOLLPRI", Interop.Libc.EPOLLPRI },
        { "EPOLLERR", Interop.Libc.EPOLLERR },
        { "EPOLLHUP", Interop.Libc.EPOLLHUP },
        { "IN_CLOEXEC", Interop.Libc.IN_CLOEXEC },
        { "IN_NONBLOCK", Interop.Libc.IN_NONBLOCK },
        { "IN_MOVED_FROM", Interop.Libc.IN_MOVED_FROM },
        { "IN_MOVED_TO", Interop.Libc.IN_MOVED_TO },
        { "IN_CREATE", Interop.Libc.IN_CREATE },
        { "IN_DELETE", Interop.Libc.IN_DELETE },
        { "IN_DELETE_SELF", Interop.Libc.IN_DELETE_SELF },
        { "IN_MOVE_SELF", Interop.Libc.IN_MOVE_SELF },
        { "IN_Q_OVERFLOW", Interop.Libc.IN_Q_OVERFLOW },
        { "IN_IGNORED", Interop.Libc.IN_IGNORED },
        { "IN_ONLYDIR", Interop.Libc.IN_ONLYDIR },
        { "IN_ISDIR", Interop.Libc.IN_ISDIR },
        { "sizeof epoll_event", Interop.Libc.EpollEventSize },
        { "offsetof epoll_event.data", Interop.Libc.EpollDataOffset },
        { "sizeof inotify_event", Interop.Libc.InotifyEventHeaderSize },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void ConstantOrLayout_EqualsTheCHeaders(string name, long value)
    {
        Assert.True(s_c.Value.TryGetValue(name, out long expected), $"{name} not printed by the C program");
        Assert.Equal(expected, value);
    }

    [Fact]
    public void EpollSet_ReportsTheTokenOfTheReadyDescriptor_AndForgetsRemovedOnes()
    {
        using var set = new EpollSet(4);
        using var quiet = new EventFd();
        using var loud = new EventFd();
        Assert.Equal(0, set.Add(quiet.Fd, EpollSet.In, 0x0100_0000_0000_0001));
        Assert.Equal(0, set.Add(loud.Fd, EpollSet.In, 0xFF00_1234_0000_0007));
        Assert.Equal(2, set.Count);

        Assert.Equal(0, set.Wait(0));
        loud.Signal();
        Assert.Equal(1, set.Wait(1000));
        Assert.Equal(0xFF00_1234_0000_0007ul, set.GetEvent(0, out uint events));
        Assert.Equal(EpollSet.In, events & EpollSet.In);

        Assert.Equal(0, set.Remove(loud.Fd));
        Assert.Equal(0, set.Wait(0));                      // still signalled, no longer watched
        Assert.NotEqual(0, set.Remove(loud.Fd));           // ENOENT
        Assert.Equal(1, set.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.GetEvent(0, out _));
    }

    [Fact]
    public void EpollSet_WakesWhenAPidfdsProcessExits()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "0.2") { UseShellExecute = false })!;
        using PidFd pidfd = PidFd.TryOpen(child.Id, null, out int errno) ?? throw new InvalidOperationException($"pidfd_open: {errno}");
        using var set = new EpollSet();
        Assert.Equal(0, set.Add(pidfd.Fd, EpollSet.In, 42));

        var clock = Stopwatch.StartNew();
        int ready = set.Wait(5000);

        Assert.Equal(1, ready);
        Assert.Equal(42ul, set.GetEvent(0, out _));
        Assert.InRange(clock.ElapsedMilliseconds, 100, 4000);
        Assert.True(pidfd.HasExited);
    }

    [Fact]
    public void DirectoryWatcher_ReportsSubdirectoriesMadeAndRemoved_AndItsOwnRemoval()
    {
        string dir = _tree.CreateDirectory("watched");
        using DirectoryWatcher watcher = DirectoryWatcher.TryCreate(out int errno) ?? throw new InvalidOperationException($"inotify_init1: {errno}");
        int wd = watcher.Watch(dir);
        Assert.True(wd >= 0, $"inotify_add_watch: {-wd}");
        Assert.Equal(wd, watcher.Watch(dir));              // the same watch for the same directory
        Assert.True(watcher.Watch(_tree.PathOf("missing")) < 0);
        using var set = new EpollSet();
        set.Add(watcher.Fd, EpollSet.In, 1);

        var seen = new List<(int Wd, DirectoryChange Change, string Name)>();
        Directory.CreateDirectory(Path.Combine(dir, "ctr1"));
        File.WriteAllText(Path.Combine(dir, "a-file"), "not a directory: IN_CREATE still comes, the registry looks and finds nothing new");
        Assert.Equal(1, set.Wait(1000));
        watcher.Drain((w, c, n) => seen.Add((w, c, n)));
        Assert.Contains((wd, DirectoryChange.Created, "ctr1"), seen);

        seen.Clear();
        Directory.Delete(Path.Combine(dir, "ctr1"));
        Assert.Equal(1, set.Wait(1000));
        watcher.Drain((w, c, n) => seen.Add((w, c, n)));
        Assert.Contains((wd, DirectoryChange.Removed, "ctr1"), seen);

        seen.Clear();
        File.Delete(Path.Combine(dir, "a-file"));
        Directory.Delete(dir);
        Assert.Equal(1, set.Wait(1000));
        watcher.Drain((w, c, n) => seen.Add((w, c, n)));
        Assert.Contains((wd, DirectoryChange.SelfRemoved, ""), seen);
        Assert.Contains((wd, DirectoryChange.WatchEnded, ""), seen);
        Assert.Equal(0, watcher.Drain((_, _, _) => { }));  // drained: non-blocking, nothing left
    }
}
