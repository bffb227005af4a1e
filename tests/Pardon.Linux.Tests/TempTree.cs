// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;

namespace Pardon.Linux.Tests;

/// <summary>A directory tree written at test time (fake /proc, fake cgroupfs), removed on dispose.</summary>
internal sealed class TempTree : IDisposable
{
    public TempTree()
    {
        Root = Directory.CreateTempSubdirectory("pardon-unit-").FullName;
    }

    public string Root { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Writes a file, creating its directory. An existing file is truncated and rewritten in place (same inode), as cgroupfs and procfs files change.</summary>
    public string Write(string relative, string content)
    {
        string path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(content));
        return path;
    }

    public string CreateDirectory(string relative) => Directory.CreateDirectory(PathOf(relative)).FullName;

    public void Symlink(string relative, string target) => File.CreateSymbolicLink(PathOf(relative), target);

    public void Delete(string relative)
    {
        string path = PathOf(relative);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail the test that used it.
        }
    }
}
