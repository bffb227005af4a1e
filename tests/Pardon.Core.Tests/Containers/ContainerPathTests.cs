// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Containers;

namespace Pardon.Core.Tests.Containers;

/// <summary>Paths as /proc/PID/cgroup shows them on real hosts: Docker, containerd, CRI-O, Podman, both kubelet drivers, v1 and v2.</summary>
public sealed class ContainerPathTests
{
    private const string Id = "4f1c9d7a0b2e8c6d5f3a1b9e7c0d2f4a6b8c1e3d5f7a9b0c2d4e6f8a1b3c5d7e";
    private const string Id2 = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d";
    private const string Uid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";
    private const string UidUnderscores = "0a1b2c3d_4e5f_6789_abcd_ef0123456789";

    [Theory]
    // Docker: v1 cgroupfs driver, v2 systemd driver, rootless, docker-in-docker (the outer one counts).
    [InlineData("/docker/" + Id, "docker", Id, "/docker/" + Id, null, null, null, false)]
    [InlineData("/system.slice/docker-" + Id + ".scope", "docker", Id, "/system.slice/docker-" + Id + ".scope", null, null, "docker-" + Id + ".scope", false)]
    [InlineData("/user.slice/user-1000.slice/user@1000.service/docker-" + Id + ".scope", "docker", Id, "/user.slice/user-1000.slice/user@1000.service/docker-" + Id + ".scope", null, null, "docker-" + Id + ".scope", false)]
    [InlineData("/docker/" + Id + "/docker/" + Id2, "docker", Id, "/docker/" + Id, null, null, null, false)]
    // systemd running inside a container: the container is the scope, the unit the innermost one.
    [InlineData("/system.slice/docker-" + Id + ".scope/system.slice/nginx.service", "docker", Id, "/system.slice/docker-" + Id + ".scope", null, null, "nginx.service", false)]
    // Kubernetes, systemd driver (v2 and v1 alike): containerd, CRI-O, dockershim.
    [InlineData("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + UidUnderscores + ".slice/cri-containerd-" + Id + ".scope",
        "containerd", Id, "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + UidUnderscores + ".slice/cri-containerd-" + Id + ".scope", Uid, "BestEffort", "cri-containerd-" + Id + ".scope", true)]
    [InlineData("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UidUnderscores + ".slice/crio-" + Id + ".scope",
        "cri-o", Id, "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UidUnderscores + ".slice/crio-" + Id + ".scope", Uid, "Burstable", "crio-" + Id + ".scope", true)]
    [InlineData("/kubepods.slice/kubepods-pod" + UidUnderscores + ".slice/cri-containerd-" + Id + ".scope",
        "containerd", Id, "/kubepods.slice/kubepods-pod" + UidUnderscores + ".slice/cri-containerd-" + Id + ".scope", Uid, "Guaranteed", "cri-containerd-" + Id + ".scope", true)]
    [InlineData("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UidUnderscores + ".slice/docker-" + Id + ".scope",
        "docker", Id, "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UidUnderscores + ".slice/docker-" + Id + ".scope", Uid, "Burstable", "docker-" + Id + ".scope", true)]
    // Kubernetes, cgroupfs driver (v1 and v2): the class is the pod directory's parent; none means Guaranteed.
    [InlineData("/kubepods/besteffort/pod" + Uid + "/" + Id, "unknown", Id, "/kubepods/besteffort/pod" + Uid + "/" + Id, Uid, "BestEffort", null, true)]
    [InlineData("/kubepods/burstable/pod" + Uid + "/" + Id, "unknown", Id, "/kubepods/burstable/pod" + Uid + "/" + Id, Uid, "Burstable", null, true)]
    [InlineData("/kubepods/pod" + Uid + "/" + Id, "unknown", Id, "/kubepods/pod" + Uid + "/" + Id, Uid, "Guaranteed", null, true)]
    [InlineData("/kubepods/burstable/pod" + Uid + "/crio-" + Id, "cri-o", Id, "/kubepods/burstable/pod" + Uid + "/crio-" + Id, Uid, "Burstable", null, true)]
    // A kubelet tree below some other cgroup (a custom --cgroup-root, or this project's own test trees).
    [InlineData("/process_api/dc3617e4f4b0a7fc68976cb4f7bd1d2e/pardon-e2e-4242-1/kubepods/besteffort/pod" + Uid + "/" + Id,
        "unknown", Id, "/process_api/dc3617e4f4b0a7fc68976cb4f7bd1d2e/pardon-e2e-4242-1/kubepods/besteffort/pod" + Uid + "/" + Id, Uid, "BestEffort", null, true)]
    // The pod's own cgroup, and a CRI-O monitor beside the container: pod and class, but no container.
    [InlineData("/kubepods/besteffort/pod" + Uid, null, null, null, Uid, "BestEffort", null, true)]
    [InlineData("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UidUnderscores + ".slice/crio-conmon-" + Id + ".scope",
        null, null, null, Uid, "Burstable", "crio-conmon-" + Id + ".scope", true)]
    // Seen from a private cgroup namespace (a non-privileged pod on cgroup v2): "/.." first, the rest still readable.
    [InlineData("/../../kubepods-besteffort.slice/kubepods-besteffort-pod" + UidUnderscores + ".slice/cri-containerd-" + Id + ".scope",
        "containerd", Id, "/../../kubepods-besteffort.slice/kubepods-besteffort-pod" + UidUnderscores + ".slice/cri-containerd-" + Id + ".scope", Uid, "BestEffort", "cri-containerd-" + Id + ".scope", true)]
    [InlineData("/../../burstable/pod" + Uid + "/" + Id, "unknown", Id, "/../../burstable/pod" + Uid + "/" + Id, Uid, "Burstable", null, true)]
    [InlineData("/../pod" + Uid + "/" + Id, "unknown", Id, "/../pod" + Uid + "/" + Id, Uid, null, null, true)]
    // The kubelet's tree, but no pod in it (a malformed uid is no pod).
    [InlineData("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podnot-a-uid.slice", null, null, null, null, null, null, true)]
    // Podman: rootful, rootless, cgroupfs; its conmon is not the container.
    [InlineData("/machine.slice/libpod-" + Id + ".scope", "podman", Id, "/machine.slice/libpod-" + Id + ".scope", null, null, "libpod-" + Id + ".scope", false)]
    [InlineData("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + Id + ".scope", "podman", Id, "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + Id + ".scope", null, null, "libpod-" + Id + ".scope", false)]
    [InlineData("/libpod_parent/libpod-" + Id, "podman", Id, "/libpod_parent/libpod-" + Id, null, null, null, false)]
    [InlineData("/machine.slice/libpod-conmon-" + Id + ".scope", null, null, null, null, null, "libpod-conmon-" + Id + ".scope", false)]
    // containerd without Kubernetes.
    [InlineData("/system.slice/nerdctl-" + Id + ".scope", "containerd", Id, "/system.slice/nerdctl-" + Id + ".scope", null, null, "nerdctl-" + Id + ".scope", false)]
    // systemd units only.
    [InlineData("/system.slice/nginx.service", null, null, null, null, null, "nginx.service", false)]
    [InlineData("/system.slice/docker.service", null, null, null, null, null, "docker.service", false)]
    [InlineData("/user.slice/user-1000.slice/session-3.scope", null, null, null, null, null, "session-3.scope", false)]
    [InlineData("/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-8123.scope", null, null, null, null, null, "app-firefox-8123.scope", false)]
    [InlineData("/user.slice/user-1000.slice/user@1000.service/init.scope", null, null, null, null, null, "init.scope", false)]
    public void Parse_RecognisesTheRuntimesNames(string path, string? runtime, string? id, string? containerCgroup, string? pod, string? qos, string? unit, bool kubernetes)
    {
        ContainerIdentity c = ContainerPath.Parse(path);

        Assert.Equal(runtime, Explanation.DescribeRuntime(c.Runtime));
        Assert.Equal(id, c.ContainerId);
        Assert.Equal(id?[..12], c.Container);
        Assert.Equal(containerCgroup, c.ContainerCgroup);
        Assert.Equal(pod, c.Pod);
        Assert.Equal(qos, KubernetesQos.Name(c.Qos));
        Assert.Equal(unit, c.Unit);
        Assert.Equal(kubernetes, c.Kubernetes);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/user.slice")]
    [InlineData("/process_api/dc3617e4f4b0a7fc68976cb4f7bd1d2e")]           // a 32-digit hex name is no container
    [InlineData("/docker")]
    [InlineData("/docker/not-an-id")]
    [InlineData("/docker/4f1c9d7a0b2e")]                                    // a bare name must be the full id
    [InlineData("/system.slice/" + Id)]                                     // ... and under docker or a pod
    [InlineData("/docker-4f1c9d7a.scope.d")]
    [InlineData("/pod0a1b2c3d-4e5f-6789-abcd-ef012345678")]                 // one digit short
    [InlineData("/docker-4F1C9D7A0B2E8C6D.scope.x")]
    [InlineData("/../..")]
    public void Parse_ShowsNothingWhereThePathShowsNothing(string? path)
    {
        Assert.Same(ContainerIdentity.None, ContainerPath.Parse(path));
    }

    [Fact]
    public void Parse_UppercaseHexIsNoContainerId()
    {
        // Runtimes write ids in lowercase; "DOCKER-ABC….scope" is some other unit.
        ContainerIdentity c = ContainerPath.Parse("/system.slice/docker-" + Id.ToUpperInvariant() + ".scope");
        Assert.Null(c.ContainerId);
        Assert.Equal("docker-" + Id.ToUpperInvariant() + ".scope", c.Unit);
    }

    [Fact]
    public void ProcessFacts_ParsesOncePerPath()
    {
        ProcessFacts p = TestProcess.Make(10, cgroup: "/kubepods/burstable/pod" + Uid + "/" + Id);
        ContainerIdentity first = p.Container;

        Assert.Same(first, p.Container);
        Assert.Equal(QosClass.Burstable, p.Qos);

        p.Cgroup = "/system.slice/nginx.service";
        Assert.NotSame(first, p.Container);
        Assert.Equal("nginx.service", p.Container.Unit);
        Assert.Null(p.Container.ContainerId);
    }
}
