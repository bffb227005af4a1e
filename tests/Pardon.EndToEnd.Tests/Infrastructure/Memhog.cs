// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>The memhog helper (helpers/memhog.c), built next to the test assembly.</summary>
public static class Memhog
{
    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "memhog");

    /// <summary>Arguments for a hog that allocates <paramref name="mib"/> MiB, with an oom_score_adj when given.</summary>
    public static string[] Args(int mib, int? adj = null, params string[] more)
    {
        var args = new List<string> { "--mib", mib.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (adj is int a)
        {
            args.Add("--adj");
            args.Add(a.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        args.AddRange(more);
        return [.. args];
    }
}
