// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Cli.Tests;

/// <summary>A fact about a directory this machine may lack (a cgroup v1 or v2 mount): skipped, with the reason, where it is missing.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PathExistsFactAttribute : FactAttribute
{
    public PathExistsFactAttribute(string path, string what)
    {
        Path = path;
        if (!Directory.Exists(path))
        {
            Skip = $"this machine has no {path} ({what})";
        }
    }

    public string Path { get; }
}
