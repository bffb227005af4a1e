// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using Pardon.Core;
using Pardon.Linux.Io;
using Pardon.Linux.Processes;
using Pardon.Linux.Procfs;
using Pardon.Linux.Security;
using Pardon.Linux.Sockets;

namespace Pardon.Linux.Tests;

/// <summary>
/// The kernel-facing pieces of issue 7's pardon fixes, on the real kernel: exec detection when name and text
/// size stay, memory held outside RSS, pidfds passed over a socket, and the state directory's StrictModes.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PardonTrustTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pardon-unit-trust-").FullName;
    private readonly List<Process> _children = [];

    private Process StartBash(string script, string bash = "/usr/bin/bash")
    {
        var psi = new ProcessStartInfo(bash) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        Process p = Process.Start(psi)!;
        _children.Add(p);
        return p;
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "timed out waiting for " + what);
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void ProcessTable_ExecOfAnotherFile_WithTheSameNameAndTextSize_IsSeen()
    {
        // A byte-identical copy of bash, also named "bash": exec keeps comm and the text size; only the
        // executable's device and inode tell. Issue 7: the scan kept the old identity.
        string copy = Path.Combine(_dir, "bash");
        File.Copy("/usr/bin/bash", copy);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        Process child = StartBash($"read line; exec {copy} -c 'read line2; echo $line2'");
        using var table = new ProcessTable();
        var source = new FixedPidSource(child.Id);
        var pids = new PidList();
        table.Scan(source, pids, Clock.BootTimeMs(), 30_000);
        ProcessFacts before = table.Find(child.Id)!;
        FileIdentity original = before.ExeIdentity;
        Assert.True(original.IsKnown);
        Assert.Equal("/usr/bin/bash", before.Exe);

        child.StandardInput.WriteLine("go");
        child.StandardInput.Flush();
        WaitFor(() => new FileInfo($"/proc/{child.Id}/exe").LinkTarget == copy, "the exec");
        table.Scan(source, pids, Clock.BootTimeMs(), 30_000);

        ProcessFacts after = table.Find(child.Id)!;
        Assert.Equal("bash", after.Comm);
        Assert.Equal(copy, after.Exe);
        Assert.NotEqual(original, after.ExeIdentity);
    }

    [Fact]
    public void Probe_CountsSharedMemoryFilesHeldOpen_ThatRssDoesNotShow()
    {
        // A tmpfs file written and held open but not mapped: its pages are nowhere in RSS (as with a memfd).
        string shm = $"/dev/shm/pardon-unit-{Environment.ProcessId}-{Guid.NewGuid():N}";
        using var file = new FileStream(shm, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
        file.Write(new byte[24 << 20]);
        file.Flush();
        using PidFd self = PidFd.TryOpen(Environment.ProcessId, null, out _)!;
        var probe = new PardonProbe();

        Assert.True(probe.TryProbe(self, out PardonProbeFacts facts));

        Assert.True(facts.Memory.ShmemFilesKiB >= 24 * 1024, $"shared-memory files: {facts.Memory}");
        Assert.True(facts.Memory.OutsideRssKiB >= 20 * 1024, $"outside RSS: {facts.Memory}");
        Assert.True(facts.Memory.HeldKiB >= facts.Memory.RssSwapKiB + (20 * 1024), facts.Memory.ToString());
        Assert.True(facts.Memory.Complete);
        Assert.Equal(self.StartTime, facts.StartTime);
        Assert.True(facts.Exe.IsKnown);
    }

    [Fact]
    public void Probe_AProcessAloneInItsCgroup_IsJudgedByTheCgroupsWorkingSet()
    {
        // Fixture hierarchies stand in for cgroupfs: the cgroup of this process holds it alone, 900 MiB used of
        // which 100 MiB inactive file cache, so 800 MiB held.
        string v1 = Path.Combine(_dir, "memory");
        string relative = File.ReadAllLines("/proc/self/cgroup").Select(l => l.Split(':', 3)).First(f => f[1].Split(',').Contains("memory") || f[0] == "0")[2];
        string cg = v1 + relative;
        Directory.CreateDirectory(cg);
        File.WriteAllText(Path.Combine(cg, "cgroup.procs"), $"{Environment.ProcessId}\n");
        File.WriteAllText(Path.Combine(cg, "memory.usage_in_bytes"), $"{900L << 20}\n");
        File.WriteAllText(Path.Combine(cg, "memory.current"), $"{900L << 20}\n");
        File.WriteAllText(Path.Combine(cg, "memory.stat"), $"cache 1\ntotal_inactive_file {100L << 20}\ninactive_file {100L << 20}\n");
        using PidFd self = PidFd.TryOpen(Environment.ProcessId, null, out _)!;

        Assert.True(new PardonProbe(cgroupV1Memory: v1, cgroupV2: v1).TryProbe(self, out PardonProbeFacts facts));
        Assert.Equal(800 * 1024, facts.Memory.CgroupKiB);
        Assert.Equal(800 * 1024, facts.Memory.HeldKiB);

        // Not alone any more: the cgroup's usage is not this process's.
        File.WriteAllText(Path.Combine(cg, "cgroup.procs"), $"{Environment.ProcessId}\n1\n");
        Assert.True(new PardonProbe(cgroupV1Memory: v1, cgroupV2: v1).TryProbe(self, out facts));
        Assert.Equal(-1, facts.Memory.CgroupKiB);
    }

    [Fact]
    public void Probe_ExitedProcess_IsNoFacts()
    {
        Process child = StartBash("exit 0");
        using PidFd? pin = PidFd.TryOpen(child.Id, null, out _);
        child.WaitForExit();
        if (pin is not null)
        {
            Assert.False(new PardonProbe().TryProbe(pin, out _));
        }
    }

    [Fact]
    public void PidFd_PassedOverASocket_NamesItsProcess_HereByItsPid()
    {
        Process child = StartBash("read line");
        using PidFd pin = PidFd.TryOpen(child.Id, null, out _)!;
        (Socket a, Socket b) = Pair();
        using (a)
        using (b)
        {
            byte[] line = Encoding.ASCII.GetBytes("{\"op\":\"request\",\"pidfd\":true}\n");
            Assert.Equal(line.Length, FdPassing.SendWithDescriptor(a.SafeHandle, line, pin.Fd));

            byte[] buffer = new byte[256];
            int[] fds = new int[FdPassing.MaxDescriptors];
            int n = FdPassing.Receive(b.SafeHandle, buffer, fds, out int count);

            Assert.Equal(line.Length, n);
            Assert.Equal(1, count);
            using var passed = new PassedDescriptor(fds[0]);
            Assert.True(PidFdInfo.IsPidFd(passed.Fd));
            Assert.Equal(child.Id, PidFdInfo.ReadPid(passed.Fd));
            using PidFd adopted = PidFd.Adopt(passed.Take()!, child.Id)!;
            Assert.Equal(pin.StartTime, adopted.StartTime);
        }
    }

    [Fact]
    public void Descriptor_ThatIsNotAPidFd_IsRecognised()
    {
        (Socket a, Socket b) = Pair();
        using (a)
        using (b)
        {
            Assert.False(PidFdInfo.IsPidFd((int)a.SafeHandle.DangerousGetHandle()));
        }
    }

    [Fact]
    public void Receive_WithoutDescriptors_IsPlainData_AndEagainWhenEmpty()
    {
        (Socket a, Socket b) = Pair();
        using (a)
        using (b)
        {
            byte[] buffer = new byte[16];
            int[] fds = new int[FdPassing.MaxDescriptors];
            Assert.Equal(-Interop.Errno.EAGAIN, FdPassing.Receive(b.SafeHandle, buffer, fds, out _));
            a.Send("hi\n"u8);
            Assert.Equal(3, FdPassing.Receive(b.SafeHandle, buffer, fds, out int count));
            Assert.Equal(0, count);
        }
    }

    [Fact]
    public void SecureDirectory_RefusesAWorldWritableOrForeignDirectory()
    {
        string open = Path.Combine(_dir, "open");
        Directory.CreateDirectory(open);
        File.SetUnixFileMode(open, (UnixFileMode)0x1FF); // 0777
        Assert.Contains("lets group or others write", Assert.Throws<IOException>(() => SecureDirectory.Open(open)).Message, StringComparison.Ordinal);

        string foreign = Path.Combine(_dir, "foreign");
        Directory.CreateDirectory(foreign);
        Chown(foreign, 65534);
        Assert.Contains("owned by uid 65534", Assert.Throws<IOException>(() => SecureDirectory.Open(foreign)).Message, StringComparison.Ordinal);

        string link = Path.Combine(_dir, "link");
        File.CreateSymbolicLink(link, _dir);
        Assert.Contains("symbolic link", Assert.Throws<IOException>(() => SecureDirectory.Open(link)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecureDirectory_ReadsOnlyTrustedFiles_AndReplacesASymlinkRatherThanFollowIt()
    {
        string state = Path.Combine(_dir, "state");
        using SecureDirectory dir = SecureDirectory.Open(state);
        string victim = Path.Combine(_dir, "victim");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(Path.Combine(state, "pardons.json"), victim);

        Assert.Equal(FileRead.Untrusted, dir.TryRead("pardons.json", 1024, out _, out string why));
        Assert.Contains("symbolic link", why, StringComparison.Ordinal);

        dir.WriteAtomically("pardons.json", "{}"u8, 0x180);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal(FileRead.Read, dir.TryRead("pardons.json", 1024, out byte[] content, out _));
        Assert.Equal("{}", Encoding.UTF8.GetString(content));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(state, "pardons.json")));
        Assert.Single(Directory.GetFiles(state));

        Chown(Path.Combine(state, "pardons.json"), 65534);
        Assert.Equal(FileRead.Untrusted, dir.TryRead("pardons.json", 1024, out _, out why));
        Assert.Contains("owned by uid 65534", why, StringComparison.Ordinal);
        Assert.Equal(FileRead.Missing, dir.TryRead("nothing.json", 1024, out _, out _));
    }

    [Fact]
    public void SecureDirectory_Lock_IsExclusive_AndNamesItsHolder()
    {
        using SecureDirectory dir = SecureDirectory.Open(Path.Combine(_dir, "locked"));
        using SecureDirectory again = SecureDirectory.Open(Path.Combine(_dir, "locked"));
        using IDisposable? held = dir.TryLock("pardons.json.lock", out _);
        Assert.NotNull(held);

        Assert.Null(again.TryLock("pardons.json.lock", out string problem));
        Assert.Contains($"(pid {Environment.ProcessId}) holds", problem, StringComparison.Ordinal);

        held!.Dispose();
        using IDisposable? now = again.TryLock("pardons.json.lock", out _);
        Assert.NotNull(now);
    }

    [Fact]
    public void SocketMode_IsNeverSetThroughASymlink()
    {
        string target = Path.Combine(_dir, "target");
        File.WriteAllText(target, "");
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string link = Path.Combine(_dir, "pardon.sock");
        File.CreateSymbolicLink(link, target);

        Assert.NotEqual(0, SocketFile.SetModeNoFollow(link, 0x1B6));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
    }

    private static (Socket A, Socket B) Pair()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pardon-unit-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var a = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        a.Connect(new UnixDomainSocketEndPoint(path));
        Socket b = listener.Accept();
        File.Delete(path);
        return (a, b);
    }

    private static void Chown(string path, int uid)
    {
        using Process p = Process.Start("/usr/bin/chown", ["-h", uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path])!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    public void Dispose()
    {
        foreach (Process p in _children)
        {
            if (!p.HasExited)
            {
                p.Kill();
                p.WaitForExit();
            }

            p.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
    }
}
