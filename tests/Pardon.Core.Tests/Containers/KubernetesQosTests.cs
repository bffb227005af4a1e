// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Containers;

namespace Pardon.Core.Tests.Containers;

public sealed class KubernetesQosTests
{
    private const string Id = "4f1c9d7a0b2e8c6d5f3a1b9e7c0d2f4a6b8c1e3d5f7a9b0c2d4e6f8a1b3c5d7e";
    private const string Uid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";

    [Theory]
    [InlineData(1000, "BestEffort")]
    [InlineData(999, "Burstable")]
    [InlineData(500, "Burstable")]
    [InlineData(3, "Burstable")]
    [InlineData(2, "Burstable")]      // the floor with the old -998
    [InlineData(1, null)]
    [InlineData(0, null)]
    [InlineData(-997, "Guaranteed")]
    [InlineData(-998, "Guaranteed")]  // older kubelets, and the pod sandbox
    [InlineData(-999, null)]          // the kubelet and the runtime themselves
    [InlineData(-1000, null)]
    public void FromOomScoreAdj_TheKubeletsValues(short adj, string? expected)
    {
        Assert.Equal(expected, KubernetesQos.Name(KubernetesQos.FromOomScoreAdj(adj)));
    }

    [Theory]
    // The path wins when it shows the class (a process may raise its own oom_score_adj).
    [InlineData("/kubepods/pod" + Uid + "/" + Id, 1000, "Guaranteed", false)]
    [InlineData("/kubepods/besteffort/pod" + Uid + "/" + Id, 0, "BestEffort", false)]
    // In Kubernetes without a visible class: oom_score_adj decides.
    [InlineData("/../pod" + Uid + "/" + Id, 1000, "BestEffort", true)]
    [InlineData("/../pod" + Uid + "/" + Id, 700, "Burstable", true)]
    [InlineData("/../pod" + Uid + "/" + Id, -997, "Guaranteed", true)]
    [InlineData("/custom/cri-containerd-" + Id + ".scope", 1000, "BestEffort", true)]
    [InlineData("/custom/crio-" + Id + ".scope", -998, "Guaranteed", true)]
    [InlineData("/../pod" + Uid + "/" + Id, 0, null, false)]
    // Outside Kubernetes oom_score_adj means nothing of the sort.
    [InlineData("/system.slice/docker-" + Id + ".scope", 1000, null, false)]
    [InlineData("/user.slice/user-1000.slice/session-2.scope", 1000, null, false)]
    [InlineData("/system.slice/nerdctl-" + Id + ".scope", -997, null, false)]
    public void Of_PathFirstThenOomScoreAdjInsideKubernetes(string path, short adj, string? expected, bool fromAdj)
    {
        QosClass qos = KubernetesQos.Of(ContainerPath.Parse(path), adj, out bool usedAdj);

        Assert.Equal(expected, KubernetesQos.Name(qos));
        Assert.Equal(fromAdj, usedAdj);
    }

    [Fact]
    public void KillOrder_BestEffortBurstableNoPodGuaranteed()
    {
        int[] order = [.. new[] { QosClass.Guaranteed, QosClass.None, QosClass.BestEffort, QosClass.Burstable }
            .OrderByDescending(KubernetesQos.KillOrder).Select(q => (int)q)];
        Assert.Equal([(int)QosClass.BestEffort, (int)QosClass.Burstable, (int)QosClass.None, (int)QosClass.Guaranteed], order);
    }

    [Theory]
    [InlineData("BestEffort", true)]
    [InlineData("besteffort", true)]
    [InlineData("GUARANTEED", true)]
    [InlineData("burstable", true)]
    [InlineData("none", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TryParse_ClassNamesInAnyCase(string? text, bool ok)
    {
        Assert.Equal(ok, KubernetesQos.TryParse(text, out _));
    }
}
