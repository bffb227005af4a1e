// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Scopes;

/// <summary>
/// A `--cgroup` pattern: a memory cgroup directory, or a glob of them. Components are separated by '/';
/// in a component, `*` matches any run of characters and `?` any one character (neither matches '/', so
/// `*` spans exactly one level: <c>/sys/fs/cgroup/memory/docker/*</c> is every container, not their
/// children). A component that is exactly `**` matches any number of levels: in the middle of a pattern
/// zero or more (<c>a/**/b</c> matches a/b, a/x/b, a/x/y/b), at its end one or more — everything inside,
/// not the directory itself (<c>kubepods.slice/**</c> is every pod and container cgroup under it, as in
/// gitignore).
/// <para>
/// Pure: the pattern is a small automaton over path components whose state is a set of pattern positions
/// (a bit mask; position <see cref="Length"/> means "matched"). The registry walks the tree with it:
/// start at <see cref="LiteralPrefix"/> in state <see cref="PrefixState"/>, <see cref="Advance"/> into
/// each child, stop where the state is empty, report directories whose state <see cref="IsMatch"/>, and
/// watch those that <see cref="CanDescend"/> (a child created there could match).
/// </para>
/// </summary>
public sealed class CgroupPattern
{
    /// <summary>Deeper patterns are refused (the state is a 64-bit mask); cgroup trees are far shallower.</summary>
    public const int MaxComponents = 60;

    private readonly string[] _components;

    private CgroupPattern(string text, string[] components, int literalCount)
    {
        Text = text;
        _components = components;
        LiteralCount = literalCount;
    }

    /// <summary>The pattern as given, normalised (single slashes, no trailing slash).</summary>
    public string Text { get; }

    /// <summary>The components after the root, e.g. ["sys", "fs", "cgroup", "memory", "docker", "*"].</summary>
    public IReadOnlyList<string> Components => _components;

    public int Length => _components.Length;

    /// <summary>True when some component has a wildcard: matches may come and go while the daemon runs.</summary>
    public bool IsGlob => LiteralCount < _components.Length;

    /// <summary>How many leading components are plain names (no wildcard).</summary>
    public int LiteralCount { get; }

    /// <summary>The directory the leading plain components name (the pattern itself when it has no wildcard).</summary>
    public string LiteralPrefix => "/" + string.Join('/', _components, 0, LiteralCount);

    /// <summary>The state at <see cref="LiteralPrefix"/>.</summary>
    public ulong PrefixState => Closure(1UL << LiteralCount);

    /// <summary>
    /// Parses an absolute pattern. False, with a message for the user, when it is empty or relative, names
    /// "." or "..", puts `**` next to other characters in one component, or is absurdly deep.
    /// </summary>
    public static bool TryParse(string text, out CgroupPattern pattern, out string error)
    {
        pattern = null!;
        if (string.IsNullOrWhiteSpace(text) || text[0] != '/')
        {
            error = $"\"{text}\" is not an absolute path (example: /sys/fs/cgroup/memory/docker/*)";
            return false;
        }

        string[] components = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (components.Length > MaxComponents)
        {
            error = $"\"{text}\" has more than {MaxComponents} components";
            return false;
        }

        int literal = components.Length;
        for (int i = 0; i < components.Length; i++)
        {
            string c = components[i];
            if (c is "." or "..")
            {
                error = $"\"{text}\": \".\" and \"..\" are not allowed in a cgroup pattern";
                return false;
            }

            if (c.Contains("**", StringComparison.Ordinal) && c != "**")
            {
                error = $"\"{text}\": \"**\" must be a whole path component (…/**/… or …/**)";
                return false;
            }

            if (literal == components.Length && IsWild(c))
            {
                literal = i;
            }
        }

        error = "";
        pattern = new CgroupPattern("/" + string.Join('/', components), components, literal);
        return true;
    }

    /// <summary>True when a directory in <paramref name="state"/> is itself a match.</summary>
    public bool IsMatch(ulong state) => (state & (1UL << _components.Length)) != 0;

    /// <summary>True when a child of a directory in <paramref name="state"/> could still match (watch that directory).</summary>
    public bool CanDescend(ulong state) => (state & ((1UL << _components.Length) - 1)) != 0;

    /// <summary>The state of a child called <paramref name="name"/> of a directory in <paramref name="state"/>; 0 when nothing below it can match.</summary>
    public ulong Advance(ulong state, string name)
    {
        ulong next = 0;
        for (int p = 0; p < _components.Length; p++)
        {
            if ((state & (1UL << p)) == 0)
            {
                continue;
            }

            if (_components[p] == "**")
            {
                next |= (1UL << p) | (1UL << (p + 1)); // the `**` goes on, or ends with this level
            }
            else if (Glob(_components[p], name))
            {
                next |= 1UL << (p + 1);
            }
        }

        return Closure(next);
    }

    /// <summary>Whether an absolute directory path matches the pattern.</summary>
    public bool Matches(string path)
    {
        ulong state = Closure(1);
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            state = Advance(state, part);
            if (state == 0)
            {
                return false;
            }
        }

        return IsMatch(state);
    }

    /// <summary>True when <paramref name="component"/> has `*` or `?` (or is `**`).</summary>
    public static bool IsWild(string component) => component.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>`*` and `?` within one component, by backtracking to the last `*` (no allocation).</summary>
    public static bool Glob(string pattern, string name)
    {
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || (pattern[p] != '*' && pattern[p] == name[n])))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    public override string ToString() => Text;

    /// <summary>Adds the positions reachable without consuming a level: a `**` in the middle may match zero levels.</summary>
    private ulong Closure(ulong state)
    {
        for (int p = 0; p < _components.Length - 1; p++)
        {
            if ((state & (1UL << p)) != 0 && _components[p] == "**")
            {
                state |= 1UL << (p + 1);
            }
        }

        return state;
    }
}
