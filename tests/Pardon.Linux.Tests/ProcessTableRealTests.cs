// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;
using Pardon.Core;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary><see cref="ProcessTable"/> on this machine's real /proc (Linux 6.18, running as root).</summary>
public sealed class ProcessTableRealTests
{
    [Fact]
    public void Scan_RealProc_FindsThisProcessWithSaneFacts()
    {
        using var source = new ProcPidSource();
        using var table = new ProcessTable();
        table.Scan(source, new PidList(), Clock.BootTimeMs(), 30_000);

        ProcessFacts self = table.Find(Environment.ProcessId)!;

        Assert.NotNull(self);
        Assert.Equal(File.ReadAllText("/proc/self/comm").TrimEnd('\n'), self.Comm);
        Assert.Equal(StatusField("Uid").Split('\t')[0], self.Uid.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(0u, self.Uid); // the project's machines run the tests as root
        string[] stat = File.ReadAllText("/proc/self/stat").Split(')')[^1].Trim().Split(' ');
        Assert.Equal(stat[19], self.StartTime.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(stat[1], self.Ppid.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(File.ReadAllText("/proc/self/oom_score_adj").TrimEnd('\n'), self.OomScoreAdj.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(new FileInfo("/proc/self/exe").LinkTarget, self.Exe);
        Assert.True(self.ExeIdentity.IsKnown);
        Assert.Equal(File.ReadAllText("/proc/self/cmdline").TrimEnd('\0').Replace('\0', ' '), self.Cmdline);
        string[] cgroups = File.ReadAllLines("/proc/self/cgroup");
        string memoryLine = cgroups.FirstOrDefault(l => l.Split(':')[1].Split(',').Contains("memory")) ?? cgroups.First(l => l.StartsWith("0::", StringComparison.Ordinal));
        Assert.Equal(memoryLine.Split(':', 3)[2], self.Cgroup);
        Assert.True(self.RssPages > 1000, $"a .NET test host holds more than 4 MiB, not {self.RssPages} pages");
        Assert.True(self.RssAnonPages > 0);
        Assert.True(self.PgTablesBytes > 0);
        Assert.False(self.IsKernelThread);
        Assert.True(self.HasMm);
        Assert.False(self.InVfork);
        Assert.Equal(KernelIneligibility.None, KernelOom.GetIneligibility(self));
    }

    [Fact]
    public void Scan_RealProc_KernelThreadsAreFlagged()
    {
        using var source = new ProcPidSource();
        using var table = new ProcessTable();
        table.Scan(source, new PidList(), Clock.BootTimeMs(), 30_000);

        ProcessFacts kthreadd = table.Find(2)!;
        Assert.Equal("kthreadd", kthreadd.Comm);
        Assert.True(kthreadd.IsKernelThread);
        Assert.False(kthreadd.HasMm);
        Assert.Null(kthreadd.Exe);
        Assert.Equal(KernelIneligibility.KernelThread, KernelOom.GetIneligibility(kthreadd));

        // Every child of kthreadd is a kernel thread; init is pid 1 and ineligible as such.
        ProcessFacts[] children = table.Processes.ToArray().Where(p => p.Ppid == 2).ToArray();
        Assert.NotEmpty(children);
        Assert.All(children, p => Assert.True(p.IsKernelThread, p.ToString()));
        Assert.Equal(KernelIneligibility.Init, KernelOom.GetIneligibility(table.Find(1)!));
    }

    [Fact]
    public void Scan_RealProc_OrderIsStartTimeThenPid()
    {
        using var source = new ProcPidSource();
        using var table = new ProcessTable();
        table.Scan(source, new PidList(), Clock.BootTimeMs(), 30_000);

        ProcessFacts[] all = table.Processes.ToArray();
        Assert.True(all.Length > 10);
        for (int i = 1; i < all.Length; i++)
        {
            Assert.True(
                all[i - 1].StartTime < all[i].StartTime || (all[i - 1].StartTime == all[i].StartTime && all[i - 1].Pid < all[i].Pid),
                $"{all[i - 1]} before {all[i]}");
            Assert.Equal(i, all[i].IterationOrder);
        }
    }

    [Theory]
    [InlineData("(a) b (")]
    [InlineData("a\nb")]
    [InlineData("x) R 1 2 3")]
    [InlineData("back\\slash")]
    [InlineData("15-chars-name-x")]
    [InlineData("  spaces")]
    [InlineData("\ttab")]
    public void Scan_RealHostileNames_ReadVerbatim(string comm)
    {
        using var child = new ChildProcess(comm);
        using var source = new ProcPidSource();
        using var table = new ProcessTable();
        table.Scan(source, new PidList(), Clock.BootTimeMs(), 30_000);

        ProcessFacts p = table.Find(child.Pid)!;

        Assert.Equal(comm, p.Comm);
        Assert.Equal(child.StartTime, p.StartTime);
        Assert.Equal(Environment.ProcessId, p.Ppid);
        Assert.Equal(new FileInfo($"/proc/{child.Pid}/exe").LinkTarget, p.Exe);
        Assert.Equal("/bin/sleep", Path.GetFullPath(p.Exe!).Replace("/usr/bin/", "/bin/", StringComparison.Ordinal)); // /bin is /usr/bin on merged-usr systems
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(333)]
    [InlineData(500)]
    [InlineData(1000)]
    public void Scan_RealChild_PredictedOomScoreEqualsTheKernels(short adj)
    {
        using var child = new ChildProcess();
        File.WriteAllText($"/proc/{child.Pid}/oom_score_adj", adj.ToString(CultureInfo.InvariantCulture)); // raising needs no privilege
        using var system = new SystemMemoryReader();
        Assert.True(system.TryReadMemInfo(out ParsedMemInfo m));
        long totalPages = TotalPages.ForSystem(m.MemTotal, m.SwapTotal, Environment.SystemPageSize);

        using var source = new ProcPidSource();
        using var table = new ProcessTable();
        table.Scan(source, new PidList(), Clock.BootTimeMs(), 30_000);
        ProcessFacts p = table.Find(child.Pid)!;
        long predicted = KernelOom.OomScore(KernelOom.Badness(p, totalPages, Environment.SystemPageSize), totalPages);

        Assert.Equal(adj, p.OomScoreAdj);
        Assert.Equal(File.ReadAllText($"/proc/{child.Pid}/oom_score").TrimEnd('\n'), predicted.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Scan_RealChildExits_DroppedOnTheNextScan()
    {
        using var child = new ChildProcess();
        int pid = child.Pid;
        using var source = new ProcPidSource();
        using var table = new ProcessTable();
        var pids = new PidList();
        table.Scan(source, pids, Clock.BootTimeMs(), 30_000);
        Assert.NotNull(table.Find(pid));

        child.Dispose(); // killed by its pid and reaped
        table.Scan(source, pids, Clock.BootTimeMs(), 30_000);

        Assert.Null(table.Find(pid));
        Assert.DoesNotContain(table.Processes.ToArray(), p => p.Pid == pid);
    }

    [Fact]
    public void Scan_RealVforkChild_IsInVforkAndScoredZeroLikeTheKernel()
    {
        // The child of vfork() shares its parent's mm until it execs or exits; here it sleeps instead.
        const string source = """
            #include <sys/types.h>
            #include <sys/wait.h>
            #include <time.h>
            #include <unistd.h>
            int main(void)
            {
                pid_t child = vfork();
                if (child == 0)
                {
                    struct timespec ts = { 30, 0 };
                    nanosleep(&ts, 0);
                    _exit(0);
                }
                waitpid(child, 0, 0);
                return 0;
            }
            """;
        string dir = Directory.CreateTempSubdirectory("pardon-unit-vfork-").FullName;
        Process? parent = null;
        int childPid = 0;
        try
        {
            File.WriteAllText(Path.Combine(dir, "vforker.c"), source);
            using (Process cc = Process.Start("cc", $"-O0 -o {dir}/vforker {dir}/vforker.c"))
            {
                cc.WaitForExit();
                Assert.Equal(0, cc.ExitCode);
            }

            parent = Process.Start(new ProcessStartInfo(Path.Combine(dir, "vforker")) { UseShellExecute = false })!;
            childPid = WaitForChild(parent.Id);

            using var pids = new ProcPidSource();
            using var table = new ProcessTable();
            table.Scan(pids, new PidList(), Clock.BootTimeMs(), 30_000);
            ProcessFacts child = table.Find(childPid)!;
            ProcessFacts vforker = table.Find(parent.Id)!;

            Assert.Equal(parent.Id, child.Ppid);
            Assert.True(child.InVfork);
            Assert.False(vforker.InVfork);
            Assert.Equal(KernelIneligibility.InVfork, KernelOom.GetIneligibility(child));
            Assert.Equal("0", File.ReadAllText($"/proc/{childPid}/oom_score").TrimEnd('\n')); // in_vfork(): oom_badness() returns LONG_MIN
            Assert.NotEqual("0", File.ReadAllText($"/proc/{parent.Id}/oom_score").TrimEnd('\n'));
        }
        finally
        {
            if (childPid > 0)
            {
                _ = Interop.Libc.Kill(childPid, Interop.Libc.SIGKILL); // by pid: the parent then returns from waitpid
            }

            if (parent is not null)
            {
                if (!parent.WaitForExit(5000))
                {
                    parent.Kill();
                }

                parent.WaitForExit();
                parent.Dispose();
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    private static int WaitForChild(int parentPid)
    {
        string children = $"/proc/{parentPid}/task/{parentPid}/children";
        for (int i = 0; i < 500; i++)
        {
            string text = File.Exists(children) ? File.ReadAllText(children).Trim() : "";
            if (text.Length > 0)
            {
                return int.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
            }

            Thread.Sleep(10);
        }

        throw new TimeoutException($"pid {parentPid} did not vfork");
    }

    private static string StatusField(string key)
        => File.ReadAllLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();
}
