// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;

namespace Pardon.Daemon.Events;

/// <summary>
/// The JSON-lines events file (--events): appended with one write(2) per line (no user-space buffer, so a
/// line is either in the kernel or reported as failed), reopened on SIGHUP so logrotate can move it away,
/// and reopened before each retry after a failure (a full disk, a removed directory).
/// </summary>
public sealed class FileOutput : EventOutput
{
    private readonly string _path;
    private FileStream? _stream;

    /// <summary>Opens (creates) the file now, so that a path that cannot be written stops the daemon's start with a reason.</summary>
    public FileOutput(string path, int capacity, int criticalCapacity)
        : base("file", capacity, criticalCapacity)
    {
        _path = path;
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        _stream = Open(path);
    }

    private static FileStream Open(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.Append,
        Access = FileAccess.Write,
        Share = FileShare.ReadWrite | FileShare.Delete,
        BufferSize = 0,
    });

    protected override bool TryWrite(EventLine line, out string error)
    {
        error = "";
        if (_stream is null && !TryRecover(out error))
        {
            return false;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(line.Json + "\n");
        long before = -1;
        try
        {
            before = RandomAccess.GetLength(_stream!.SafeFileHandle);
            _stream.Write(bytes);
            return true;
        }
        catch (IOException ex)
        {
            // A disk that fills in the middle of a line takes its first part (a short write) and refuses the
            // rest: cut the torn part off, so the retry appends the whole line after the last whole one.
            if (before >= 0)
            {
                try
                {
                    RandomAccess.SetLength(_stream!.SafeFileHandle, before);
                }
                catch (IOException)
                {
                }
            }

            error = $"{_path}: {ex.Message}";
            return false;
        }
    }

    protected override bool TryRecover(out string error)
    {
        error = "";
        try
        {
            _stream?.Dispose();
        }
        catch (IOException)
        {
            // Closing a file on a full disk may report the failure again; the new descriptor is what matters.
        }

        _stream = null;
        try
        {
            _stream = Open(_path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"{_path}: {ex.Message}";
            return false;
        }
    }

    protected override void Reopen() => TryRecover(out _);

    protected override void Release()
    {
        try
        {
            _stream?.Dispose();
        }
        catch (IOException)
        {
        }

        _stream = null;
    }
}
