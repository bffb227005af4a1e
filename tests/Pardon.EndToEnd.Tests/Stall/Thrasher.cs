// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.EndToEnd.Tests.Stall;

/// <summary>The thrasher helper (helpers/thrasher.c), built next to the test assembly.</summary>
public static class Thrasher
{
    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "thrasher");
}
