// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;

namespace Pardon.Daemon.Tests.Events;

/// <summary>A log writer that fails (as a full disk or a closed descriptor does) while <see cref="Failing"/> is set.</summary>
public sealed class FailingWriter : TextWriter
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();

    private volatile bool _failing;

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        if (Failing)
        {
            throw new IOException("No space left on device");
        }

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
}
