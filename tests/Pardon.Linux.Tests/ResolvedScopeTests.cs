// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Cgroups;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

public sealed class ResolvedScopeTests : IDisposable
{
    private readonly TempTree _tree = new();
    private readonly string _procRoot;

    public ResolvedScopeTests()
    {
        _procRoot = CgroupTrees.WriteProc(_tree);
        CgroupTrees.WriteV2(_tree);
        CgroupTrees.WriteV1(_tree);
    }

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Create_System_ReadsMeminfoAndEveryPid()
    {
        using ResolvedScope scope = ResolvedScope.Create(null, _procRoot);

        Assert.Equal(ScopeKind.System, scope.Kind);
        Assert.Null(scope.Cgroup);
        Assert.IsType<SystemMemoryReader>(scope.Memory);
        Assert.IsType<ProcPidSource>(scope.Pids);
        OomScope oom = scope.ComputeOomScope();
        Assert.Equal(ScopeKind.System, oom.Kind);
        Assert.Equal(CgroupTrees.SystemTotalPages, oom.TotalPages);
        Assert.Equal(CgroupTrees.SystemTotalPages, oom.SystemTotalPages);
        Assert.True(scope.Memory.TryRead(3, out MemorySample s));
        Assert.Equal(8_388_608, s.TotalKiB);
    }

    [Theory]
    [InlineData("cg2/app.slice/web.service", CgroupVersion.V2, 131_072 + 524_288)]
    [InlineData("cg1/parent/child", CgroupVersion.V1, 262_144 + 131_072)]
    public void Create_Cgroup_WiresTheReadersOfItsVersion(string relative, CgroupVersion version, long totalPages)
    {
        using ResolvedScope scope = ResolvedScope.Create(_tree.PathOf(relative), _procRoot);

        Assert.Equal(ScopeKind.Cgroup, scope.Kind);
        Assert.Equal(version, scope.Cgroup!.Version);
        Assert.Equal(version == CgroupVersion.V2 ? typeof(CgroupV2MemoryReader) : typeof(CgroupV1MemoryReader), scope.Memory.GetType());
        Assert.Equal(version == CgroupVersion.V2, scope.Pids.OrderIsKernelOrder);
        OomScope oom = scope.ComputeOomScope();
        Assert.Equal(totalPages, oom.TotalPages);
        Assert.Equal(CgroupTrees.SystemTotalPages, oom.SystemTotalPages);
        Assert.True(scope.Memory.TryRead(1, out _));
    }

    [Fact]
    public void Create_NotACgroup_ThrowsScopeException()
    {
        Assert.Throws<ScopeException>(() => ResolvedScope.Create(_tree.PathOf("cg2/nomem.slice"), _procRoot));
        Assert.Throws<ScopeException>(() => ResolvedScope.Create(_tree.PathOf("nowhere"), _procRoot));
    }
}
