// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Security.Cryptography;
using Pardon.EndToEnd.Tests.Infrastructure;

namespace Pardon.EndToEnd.Tests.Containers;

/// <summary>
/// A kubelet-like tree of memory cgroups inside a <see cref="TestCgroup"/>, named as the kubelet's cgroupfs
/// driver names them: kubepods/besteffort/podUID/ID, kubepods/burstable/podUID/ID, kubepods/podUID/ID
/// (Guaranteed). The test cgroup's limit stands for the node's memory; its Dispose removes the tree.
/// </summary>
internal sealed class KubeletTree
{
    public KubeletTree(TestCgroup cgroup)
    {
        Cgroup = cgroup;
        Kubepods = cgroup.CreateChild("kubepods");
    }

    public TestCgroup Cgroup { get; }

    /// <summary>The kubelet's root cgroup, which the daemon watches.</summary>
    public string Kubepods { get; }

    /// <summary>Creates a pod with one container; <paramref name="qos"/> "besteffort", "burstable" or "guaranteed".</summary>
    public Container AddContainer(string qos)
    {
        string uid = Guid.NewGuid().ToString("D");
        string id = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        string relative = qos == "guaranteed" ? $"kubepods/pod{uid}/{id}" : $"kubepods/{qos}/pod{uid}/{id}";
        return new Container(uid, id, Cgroup.CreateChild(relative), "/" + relative);
    }

    /// <param name="Uid">The pod's uid.</param>
    /// <param name="Id">The container's id (64 hexadecimal digits).</param>
    /// <param name="Directory">The container's cgroup directory.</param>
    /// <param name="PathTail">"/kubepods/…/podUID/ID": how the cgroup path as /proc/PID/cgroup shows it ends.</param>
    public sealed record Container(string Uid, string Id, string Directory, string PathTail)
    {
        public string ShortId => Id[..12];
    }
}
