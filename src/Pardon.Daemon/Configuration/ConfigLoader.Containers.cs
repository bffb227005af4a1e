// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;
using Pardon.Core.Containers;

namespace Pardon.Daemon.Configuration;

public static partial class ConfigLoader
{
    /// <summary>"containers": { "qos_order": true }.</summary>
    private static void ApplyContainers(PardonConfig config, JsonElement value, string path, Validator v)
    {
        v.Object(value, path, ["qos_order"], (n, e, p) =>
        {
            if (v.Bool(e, p) is bool order)
            {
                config.QosOrder = order;
            }
        });
    }

    public sealed partial class Validator
    {
        /// <summary>A rule's "container" (a glob over the container id, "*" for any container) or "qos" (a Kubernetes QoS class).</summary>
        private void ContainerCriterion(string name, JsonElement x, string p, ref string? container, ref string? qosText, ref QosClass? qos)
        {
            if (name == "container")
            {
                container = String(x, p);
                if (container is { Length: 0 })
                {
                    Error(p, "an empty container glob matches nothing; use \"*\" for any container");
                    container = null;
                }

                return;
            }

            qosText = String(x, p);
            if (qosText is null)
            {
                return;
            }

            if (KubernetesQos.TryParse(qosText, out QosClass parsed))
            {
                qos = parsed;
            }
            else
            {
                Error(p, $"\"{qosText}\" is not a Kubernetes QoS class (use \"BestEffort\", \"Burstable\" or \"Guaranteed\")");
            }
        }
    }
}
