// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using Pardon.Core;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Tests.Pardons;
using YamlDotNet.RepresentationModel;

namespace Pardon.Daemon.Tests.Packaging;

/// <summary>
/// packaging/kubernetes/pardon.yaml: the DaemonSet and its ConfigMap, parsed, checked field by field against
/// what the daemon needs (hostPID, the systemd unit's capabilities, the host's cgroup tree, the Guaranteed
/// class, probes that reach it) and run through the real `pardon` executable (its arguments and its
/// configuration must load). The Containerfile is checked for the AOT build and the path the probe uses.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string s_repository = FindRepository();
    private static readonly List<YamlMappingNode> s_documents = Load(Path.Combine(s_repository, "packaging", "kubernetes", "pardon.yaml"));

    private static YamlMappingNode ConfigMap => s_documents.Single(d => Text(d, "kind") == "ConfigMap");

    private static YamlMappingNode DaemonSet => s_documents.Single(d => Text(d, "kind") == "DaemonSet");

    private static YamlMappingNode PodSpec => Map(DaemonSet, "spec", "template", "spec");

    private static YamlMappingNode Container => (YamlMappingNode)Seq(PodSpec, "containers").Single();

    private static string ConfigText => Text(ConfigMap, "data", "pardon.jsonc")!;

    private static List<string> Args => Strings(Container, "args");

    [Fact]
    public void Manifest_SeesTheWholeNode()
    {
        Assert.Equal("true", Text(PodSpec, "hostPID"));
        Assert.Equal("system-node-critical", Text(PodSpec, "priorityClassName"));
        Assert.Equal("kube-system", Text(DaemonSet, "metadata", "namespace"));
        Assert.Contains(Seq(PodSpec, "tolerations"), t => Text((YamlMappingNode)t, "operator") == "Exists" && Text((YamlMappingNode)t, "key") is null);
        Assert.Equal(Text(DaemonSet, "spec", "selector", "matchLabels", "app.kubernetes.io/name"), Text(DaemonSet, "spec", "template", "metadata", "labels", "app.kubernetes.io/name"));
    }

    [Fact]
    public void Manifest_TheSystemdUnitsCapabilitiesAndNoMore()
    {
        string unit = File.ReadAllText(Path.Combine(s_repository, "packaging", "systemd", "pardon.service"));
        string bounding = unit.Split('\n').Single(l => l.StartsWith("CapabilityBoundingSet=", StringComparison.Ordinal));
        HashSet<string> fromUnit = [.. bounding["CapabilityBoundingSet=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => c["CAP_".Length..])];
        YamlMappingNode security = Map(Container, "securityContext");
        HashSet<string> added = [.. Strings(security, "capabilities", "add")];

        // SETUID/SETGID serve desktop notifications alone, which the node's configuration turns off.
        Assert.Superset(fromUnit.Except(["SETUID", "SETGID"]).ToHashSet(), added);
        Assert.DoesNotContain("SETUID", added);
        Assert.Subset(fromUnit.Append("SYS_NICE").ToHashSet(), added); // SYS_NICE: the monitor thread's priority (the unit gains it too)
        Assert.Equal(["ALL"], Strings(security, "capabilities", "drop"));
        Assert.Equal("false", Text(security, "privileged"));
        Assert.Equal("false", Text(security, "allowPrivilegeEscalation"));
        Assert.Equal("true", Text(security, "readOnlyRootFilesystem"));
        Assert.Equal("0", Text(security, "runAsUser"));
    }

    [Fact]
    public void Manifest_GuaranteedResources()
    {
        YamlMappingNode requests = Map(Container, "resources", "requests");
        YamlMappingNode limits = Map(Container, "resources", "limits");
        foreach (string resource in new[] { "cpu", "memory" })
        {
            Assert.NotNull(Text(requests, resource));
            Assert.Equal(Text(requests, resource), Text(limits, resource));
        }

        Assert.Equal(2, requests.Children.Count);
        Assert.Equal(2, limits.Children.Count);
    }

    [Fact]
    public void Manifest_MountsTheHostsCgroupTreeSocketDirAndConfig()
    {
        Dictionary<string, YamlMappingNode> volumes = Seq(PodSpec, "volumes").Cast<YamlMappingNode>().ToDictionary(v => Text(v, "name")!);
        Dictionary<string, YamlMappingNode> mounts = Seq(Container, "volumeMounts").Cast<YamlMappingNode>().ToDictionary(m => Text(m, "mountPath")!);

        YamlMappingNode cgroup = mounts["/sys/fs/cgroup"];
        Assert.Equal("/sys/fs/cgroup", Text(volumes[Text(cgroup, "name")!], "hostPath", "path"));
        Assert.Equal("HostToContainer", Text(cgroup, "mountPropagation"));

        PardonConfig config = LoadConfig();
        string socketDir = Path.GetDirectoryName(config.Socket)!;
        Assert.Equal(socketDir, Path.GetDirectoryName(config.StateFile));
        Assert.True(mounts.TryGetValue(socketDir, out YamlMappingNode? run), $"the socket directory {socketDir} is not mounted");
        Assert.Equal(socketDir, Text(volumes[Text(run, "name")!], "hostPath", "path"));
        Assert.NotEqual("true", Text(run, "readOnly"));

        string configPath = Args[Args.IndexOf("--config") + 1];
        YamlMappingNode configMount = mounts[Path.GetDirectoryName(configPath)!];
        Assert.Equal(Text(ConfigMap, "metadata", "name"), Text(volumes[Text(configMount, "name")!], "configMap", "name"));
        Assert.Equal(Path.GetFileName(configPath), ConfigMap.Children[new YamlScalarNode("data")] is YamlMappingNode data ? ((YamlScalarNode)data.Children.Keys.Single()).Value : null);
    }

    [Fact]
    public void Manifest_ConfigKillsWholeContainersInQosOrderAndServesMetricsOnThePort()
    {
        PardonConfig config = LoadConfig();
        SelectionPolicy policy = config.ToPolicy(1);

        Assert.True(policy.QosOrder);
        Assert.Contains(policy.Units, r => r.Container == "*" && r.Unit == KillUnit.Cgroup);
        string listen = config.MetricsListen ?? throw new InvalidDataException("the ConfigMap sets no metrics.listen");
        Assert.True(MetricsAddress.TryParse(listen, out _, out _));
        string port = listen[(listen.LastIndexOf(':') + 1)..];
        YamlMappingNode metricsPort = Seq(Container, "ports").Cast<YamlMappingNode>().Single(p => Text(p, "name") == "metrics");
        Assert.Equal(port, Text(metricsPort, "containerPort"));
        Assert.Equal(port, Text(DaemonSet, "spec", "template", "metadata", "annotations", "prometheus.io/port"));
    }

    [Fact]
    public void Manifest_ProbesReachTheDaemon()
    {
        Assert.Equal("/metrics", Text(Container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("metrics", Text(Container, "readinessProbe", "httpGet", "port"));

        List<string> liveness = Strings(Container, "livenessProbe", "exec", "command");
        Assert.Equal(["/usr/bin/pardon", "status", "--socket", LoadConfig().Socket], liveness);

        // The probe runs the binary where the image puts it.
        string containerfile = File.ReadAllText(Path.Combine(s_repository, "packaging", "kubernetes", "Containerfile"));
        Assert.Contains("COPY --from=build /out/pardon /usr/bin/pardon", containerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"/usr/bin/pardon\"]", containerfile, StringComparison.Ordinal);
        Assert.Contains("dotnet publish src/Pardon.Cli -c Release -r linux-x64 -p:PublishAot=true", containerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_ImageIsPinned()
    {
        string image = Text(Container, "image")!;
        string tag = image[(image.LastIndexOf(':') + 1)..];
        Assert.True(image.Contains(':', StringComparison.Ordinal) && tag != "latest" && !tag.Contains('/', StringComparison.Ordinal), $"image {image} has no fixed tag");
    }

    [Fact]
    public void Manifest_TheRealExecutableTakesTheArgumentsAndTheConfig()
    {
        using var dir = new TempDirectory();
        string config = dir["pardon.jsonc"];
        File.WriteAllText(config, ConfigText);
        List<string> args = [.. Args];
        args[args.IndexOf("--config") + 1] = config;
        args.Add("--print-config");

        var start = new ProcessStartInfo(PardonBinary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        args.ForEach(start.ArgumentList.Add);
        using Process pardon = Process.Start(start)!;
        string stdout = pardon.StandardOutput.ReadToEnd();
        string stderr = pardon.StandardError.ReadToEnd();
        Assert.True(pardon.WaitForExit(30_000));

        Assert.True(pardon.ExitCode == 0, $"pardon {string.Join(' ', args)} exited {pardon.ExitCode}: {stderr}");
        Assert.Contains("\"container\": \"*\"", stdout, StringComparison.Ordinal);
        Assert.Contains("\"qos_order\": true", stdout, StringComparison.Ordinal);
    }

    private static PardonConfig LoadConfig()
    {
        var config = new PardonConfig();
        ConfigLoader.Apply(config, ConfigText, "pardon.yaml ConfigMap");
        return config;
    }

    private static string PardonBinary
    {
        get
        {
            string here = AppContext.BaseDirectory.TrimEnd('/');
            string path = Path.GetFullPath(Path.Combine(here, "..", "..", "Pardon.Cli", Path.GetFileName(here), "pardon"));
            Assert.True(File.Exists(path), $"the pardon executable is not at {path} (the test project builds it)");
            return path;
        }
    }

    private static string FindRepository()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Pardon.slnx")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("the repository (Pardon.slnx) is not above " + AppContext.BaseDirectory);
    }

    private static List<YamlMappingNode> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlNode? Node(YamlMappingNode map, params string[] keys)
    {
        YamlNode? node = map;
        foreach (string key in keys)
        {
            if (node is not YamlMappingNode m || !m.Children.TryGetValue(new YamlScalarNode(key), out node))
            {
                return null;
            }
        }

        return node;
    }

    private static YamlMappingNode Map(YamlMappingNode map, params string[] keys)
        => Node(map, keys) as YamlMappingNode ?? throw new InvalidDataException($"no mapping at {string.Join('.', keys)}");

    private static YamlSequenceNode Seq(YamlMappingNode map, params string[] keys)
        => Node(map, keys) as YamlSequenceNode ?? throw new InvalidDataException($"no list at {string.Join('.', keys)}");

    private static string? Text(YamlMappingNode map, params string[] keys) => (Node(map, keys) as YamlScalarNode)?.Value;

    private static List<string> Strings(YamlMappingNode map, params string[] keys) => [.. Seq(map, keys).Cast<YamlScalarNode>().Select(s => s.Value!)];
}
