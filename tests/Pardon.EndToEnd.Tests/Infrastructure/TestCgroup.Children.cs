// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.EndToEnd.Tests.Infrastructure;

public sealed partial class TestCgroup
{
    /// <summary>
    /// Creates a child memory cgroup called <paramref name="name"/> with a limit of its own (at most this
    /// one's), for tests of many scopes: a container-like cgroup under a test cgroup that bounds them all.
    /// Its Dispose removes it; this cgroup's Dispose removes whatever is left below it too.
    /// </summary>
    public TestCgroup CreateChild(string name, long limitBytes)
    {
        if (limitBytes <= 0 || limitBytes > LimitBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(limitBytes), limitBytes, $"a child's limit must be positive and at most its parent's {LimitBytes >> 20} MiB");
        }

        string path = FilePath(name);
        Directory.CreateDirectory(path);
        var child = new TestCgroup(Parent, path, _log);
        try
        {
            child.SetLimit(limitBytes);
        }
        catch
        {
            child.Dispose();
            throw;
        }

        _log?.WriteLine($"child cgroup {path}: limit {(limitBytes >> 20).ToString(CultureInfo.InvariantCulture)} MiB");
        return child;
    }
}
