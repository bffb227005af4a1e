// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Scopes;

namespace Pardon.Linux.Cgroups;

/// <summary>
/// Finds what a <see cref="CgroupPattern"/> matches in a directory tree (cgroupfs, or a fixture tree in
/// tests) and which directories to watch so that a match created later is noticed: every directory whose
/// children could still match; where the pattern's plain prefix does not exist (yet), its deepest existing
/// ancestor; for a pattern without wildcards, its parent (the directory may be removed and made again).
/// Directories are listed only where the pattern needs it, never the whole tree.
/// </summary>
public static class CgroupPatternWalker
{
    /// <summary>Adds to <paramref name="matches"/> the directories that match, and to <paramref name="watch"/> the directories to watch.</summary>
    public static void Walk(CgroupPattern pattern, ISet<string> matches, ISet<string> watch)
    {
        string prefix = pattern.LiteralPrefix;
        if (!Directory.Exists(prefix))
        {
            string? ancestor = Path.GetDirectoryName(prefix);
            while (ancestor is not null && !Directory.Exists(ancestor))
            {
                ancestor = Path.GetDirectoryName(ancestor);
            }

            if (ancestor is not null)
            {
                watch.Add(ancestor);
            }

            return;
        }

        if (!pattern.IsGlob && Path.GetDirectoryName(prefix) is { } parent)
        {
            watch.Add(parent);
        }

        Visit(pattern, prefix, pattern.PrefixState, matches, watch);
    }

    private static void Visit(CgroupPattern pattern, string directory, ulong state, ISet<string> matches, ISet<string> watch)
    {
        if (pattern.IsMatch(state))
        {
            matches.Add(directory);
        }

        if (!pattern.CanDescend(state))
        {
            return;
        }

        watch.Add(directory);
        string[] children;
        try
        {
            children = Directory.GetDirectories(directory);
        }
        catch (IOException)
        {
            return; // removed while we walked
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }

        Array.Sort(children, StringComparer.Ordinal);
        foreach (string child in children)
        {
            ulong next = pattern.Advance(state, Path.GetFileName(child));
            if (next != 0)
            {
                Visit(pattern, child, next, matches, watch);
            }
        }
    }
}
