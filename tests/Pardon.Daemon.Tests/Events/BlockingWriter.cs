// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;

namespace Pardon.Daemon.Tests.Events;

/// <summary>A log writer whose reader has stopped: every write waits until <see cref="Release"/>, as write(2) to a full pipe does.</summary>
public sealed class BlockingWriter : TextWriter
{
    private readonly ManualResetEventSlim _open = new(false);
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public void Release() => _open.Set();

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        _open.Wait();
        lock (_lock)
        {
            _text.Append(value);
        }
    }

    public string[] Lines()
    {
        lock (_lock)
        {
            return _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    protected override void Dispose(bool disposing)
    {
        _open.Set();
        base.Dispose(disposing);
    }
}
