// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>
/// A directory under /tmp for one test, removed with everything in it. Mode 0755 (not the 0700 of
/// Directory.CreateTempSubdirectory) so that an unprivileged client can reach a socket inside it.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("pardon-test-").FullName;
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        File.SetUnixFileMode(Path,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
