// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Cli.Tests;

/// <summary>Files of the source tree the tests check the program against (the build runs from inside it).</summary>
public static class RepositoryFile
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Pardon.slnx")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"no Pardon.slnx above {AppContext.BaseDirectory}");
    }
}
