// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Reflection;

namespace Pardon.Daemon;

/// <summary>
/// Pardon's version as built: the informational version MSBuild stamps into every assembly from the one
/// `Version` property in Directory.Build.props, so the daemon's start event and status, `pardon --version`
/// (System.CommandLine reads the same attribute), the .deb and the man pages never disagree.
/// </summary>
public static class BuildInfo
{
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
