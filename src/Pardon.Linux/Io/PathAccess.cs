// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;

namespace Pardon.Linux.Io;

/// <summary>Whether a file could be created at a path, asked before starting work that needs it, so the answer can be one plain sentence.</summary>
public static class PathAccess
{
    /// <summary>
    /// Null when a file can be created at <paramref name="path"/>: its directory exists and this process may
    /// write there, or the nearest existing ancestor may be written (the directory would be made). Else why
    /// not, in words. A check before the fact: the creation itself may still fail and must be handled.
    /// </summary>
    public static string? WhyCannotCreate(string path)
    {
        string? dir = Path.GetDirectoryName(path);
        while (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
        {
            if (File.Exists(dir))
            {
                return $"{dir} is not a directory";
            }

            dir = Path.GetDirectoryName(dir);
        }

        if (string.IsNullOrEmpty(dir))
        {
            return null;
        }

        int rc = FdIo.AccessAt(Interop.Libc.AT_FDCWD, Encoding.UTF8.GetBytes(dir), Interop.Libc.W_OK | Interop.Libc.X_OK);
        return rc switch
        {
            0 => null,
            -Interop.Errno.EACCES or -Interop.Errno.EPERM => $"permission denied in {dir}",
            _ => $"{dir}: {Errors.Describe(rc)}",
        };
    }
}
