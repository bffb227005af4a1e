// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Containers;

/// <summary>
/// Reads a memory cgroup path ("/kubepods.slice/kubepods-besteffort.slice/...", as /proc/PID/cgroup shows
/// it) for the container, pod, QoS class and systemd unit it names. The names are the runtimes' own
/// conventions, the same on cgroup v1 and v2:
/// <list type="bullet">
/// <item>Docker: systemd driver "docker-ID.scope", cgroupfs driver "docker/ID";</item>
/// <item>containerd's CRI plugin "cri-containerd-ID.scope", nerdctl "nerdctl-ID.scope";</item>
/// <item>CRI-O "crio-ID.scope" or "crio-ID" (its monitor, "crio-conmon-ID.scope", is not the container);</item>
/// <item>Podman "libpod-ID.scope" or "libpod_parent/libpod-ID" (likewise not "libpod-conmon-ID.scope");</item>
/// <item>Kubernetes, cgroupfs driver: "kubepods[/besteffort|/burstable]/podUID/ID" (no class directory:
/// Guaranteed); systemd driver: "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podUID.slice/…"
/// with the uid's dashes as underscores, "kubepods-burstable-podUID.slice", "kubepods-podUID.slice" (Guaranteed);</item>
/// <item>systemd units: any "*.service" or "*.scope" directory (the innermost one is reported).</item>
/// </list>
/// A path seen from another cgroup namespace starts with "/.." segments; what remains is read the same way
/// (a cgroupfs pod directory whose parent is hidden gives no class: see <see cref="KubernetesQos"/>).
/// The outermost container wins (a container inside a container belongs to the outer one, the one its
/// orchestrator manages). Pure and allocation-light: only the returned strings are allocated, once per path.
/// </summary>
public static class ContainerPath
{
    /// <summary>Ids in a runtime-prefixed name may be shortened; a bare directory name must be a full 64-digit id.</summary>
    private const int MinPrefixedIdLength = 12;

    private const int FullIdLength = 64;

    private const int ShortIdLength = 12;

    /// <summary>The 36 characters of a pod uid (8-4-4-4-12 hexadecimal digits).</summary>
    private const int UidLength = 36;

    public static ContainerIdentity Parse(string? cgroupPath)
    {
        if (string.IsNullOrEmpty(cgroupPath) || cgroupPath == "/")
        {
            return ContainerIdentity.None;
        }

        ReadOnlySpan<char> path = cgroupPath;
        ReadOnlySpan<char> parent = default;
        bool parentIsPod = false;
        bool kubernetes = false;
        string? pod = null;
        QosClass qos = QosClass.None;
        ContainerRuntime runtime = ContainerRuntime.None;
        Range containerId = default;
        int containerEnd = -1;
        Range unit = default;
        bool hasUnit = false;

        int start = 0;
        while (start <= path.Length)
        {
            int slash = path[start..].IndexOf('/');
            int end = slash < 0 ? path.Length : start + slash;
            ReadOnlySpan<char> segment = path[start..end];
            bool isPod = false;
            if (segment.Length > 0 && !segment.SequenceEqual(".") && !segment.SequenceEqual(".."))
            {
                if (segment.EndsWith(".service", StringComparison.Ordinal) || segment.EndsWith(".scope", StringComparison.Ordinal))
                {
                    unit = new Range(start, end);
                    hasUnit = true;
                }

                if (segment.SequenceEqual("kubepods") || segment.StartsWith("kubepods.", StringComparison.Ordinal) || segment.StartsWith("kubepods-", StringComparison.Ordinal))
                {
                    kubernetes = true;
                }

                if (pod is null && TryPod(segment, parent, out QosClass podQos, out Range uid))
                {
                    pod = NormalizeUid(segment[uid]);
                    qos = podQos;
                    kubernetes = true;
                    isPod = true;
                }
                else if (containerEnd < 0 && TryContainer(segment, parent, parentIsPod, out ContainerRuntime r, out Range id))
                {
                    runtime = r;
                    containerId = new Range(start + id.Start.GetOffset(segment.Length), start + id.End.GetOffset(segment.Length));
                    containerEnd = end;
                    kubernetes |= r is ContainerRuntime.CriO || segment.StartsWith("cri-containerd-", StringComparison.Ordinal);
                }
            }

            parent = segment;
            parentIsPod = isPod;
            start = end + 1;
        }

        if (containerEnd < 0 && pod is null && !hasUnit && !kubernetes)
        {
            return ContainerIdentity.None;
        }

        string? fullId = containerEnd >= 0 ? cgroupPath[containerId] : null;
        return new ContainerIdentity
        {
            ContainerId = fullId,
            Container = fullId is null ? null : fullId.Length > ShortIdLength ? fullId[..ShortIdLength] : fullId,
            Runtime = runtime,
            ContainerCgroup = containerEnd >= 0 ? cgroupPath[..containerEnd] : null,
            Pod = pod,
            Qos = qos,
            Kubernetes = kubernetes,
            Unit = hasUnit ? cgroupPath[unit] : null,
        };
    }

    /// <summary>A pod's directory: "podUID" (cgroupfs, class from the parent) or "kubepods[-CLASS]-podUID.slice" (systemd).</summary>
    private static bool TryPod(ReadOnlySpan<char> segment, ReadOnlySpan<char> parent, out QosClass qos, out Range uid)
    {
        qos = QosClass.None;
        uid = default;
        if (segment.StartsWith("pod", StringComparison.Ordinal) && IsUid(segment[3..]))
        {
            uid = 3..;
            qos = parent.SequenceEqual("besteffort") ? QosClass.BestEffort
                : parent.SequenceEqual("burstable") ? QosClass.Burstable
                : parent.SequenceEqual("kubepods") ? QosClass.Guaranteed
                : QosClass.None;
            return true;
        }

        if (!segment.StartsWith("kubepods-", StringComparison.Ordinal) || !segment.EndsWith(".slice", StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> name = segment["kubepods-".Length..^".slice".Length];
        if (name.StartsWith("besteffort-pod", StringComparison.Ordinal))
        {
            qos = QosClass.BestEffort;
            name = name["besteffort-pod".Length..];
        }
        else if (name.StartsWith("burstable-pod", StringComparison.Ordinal))
        {
            qos = QosClass.Burstable;
            name = name["burstable-pod".Length..];
        }
        else if (name.StartsWith("pod", StringComparison.Ordinal))
        {
            qos = QosClass.Guaranteed;
            name = name["pod".Length..];
        }
        else
        {
            return false;
        }

        if (!IsUid(name))
        {
            qos = QosClass.None;
            return false;
        }

        int offset = segment.Length - ".slice".Length - name.Length;
        uid = offset..(offset + name.Length);
        return true;
    }

    private static bool TryContainer(ReadOnlySpan<char> segment, ReadOnlySpan<char> parent, bool parentIsPod, out ContainerRuntime runtime, out Range id)
    {
        runtime = ContainerRuntime.None;
        id = default;
        ReadOnlySpan<char> name = segment.EndsWith(".scope", StringComparison.Ordinal) ? segment[..^".scope".Length] : segment;
        int prefix;
        if (name.StartsWith("docker-", StringComparison.Ordinal))
        {
            (runtime, prefix) = (ContainerRuntime.Docker, "docker-".Length);
        }
        else if (name.StartsWith("cri-containerd-", StringComparison.Ordinal))
        {
            (runtime, prefix) = (ContainerRuntime.Containerd, "cri-containerd-".Length);
        }
        else if (name.StartsWith("nerdctl-", StringComparison.Ordinal))
        {
            (runtime, prefix) = (ContainerRuntime.Containerd, "nerdctl-".Length);
        }
        else if (name.StartsWith("crio-", StringComparison.Ordinal) && !name.StartsWith("crio-conmon-", StringComparison.Ordinal))
        {
            (runtime, prefix) = (ContainerRuntime.CriO, "crio-".Length);
        }
        else if (name.StartsWith("libpod-", StringComparison.Ordinal) && !name.StartsWith("libpod-conmon-", StringComparison.Ordinal))
        {
            (runtime, prefix) = (ContainerRuntime.Podman, "libpod-".Length);
        }
        else if (name.Length == FullIdLength && IsHex(name) && (parentIsPod || parent.SequenceEqual("docker")))
        {
            runtime = parentIsPod ? ContainerRuntime.Unknown : ContainerRuntime.Docker;
            id = 0..FullIdLength;
            return true;
        }
        else
        {
            return false;
        }

        ReadOnlySpan<char> hex = name[prefix..];
        if (hex.Length < MinPrefixedIdLength || !IsHex(hex))
        {
            runtime = ContainerRuntime.None;
            return false;
        }

        id = prefix..(prefix + hex.Length);
        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>8-4-4-4-12 hexadecimal digits, separated by '-' (cgroupfs) or '_' (systemd, which reserves '-').</summary>
    private static bool IsUid(ReadOnlySpan<char> s)
    {
        if (s.Length != UidLength)
        {
            return false;
        }

        for (int i = 0; i < s.Length; i++)
        {
            bool separator = i is 8 or 13 or 18 or 23;
            char c = s[i];
            if (separator ? c is not ('-' or '_') : c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static string NormalizeUid(ReadOnlySpan<char> uid) => uid.ToString().Replace('_', '-');
}
