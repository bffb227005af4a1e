// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Events;

/// <summary>
/// The log (stderr, which systemd hands to the journal as plain lines): the readable sentence of each event,
/// or its JSON with --json-log.
/// </summary>
public sealed class TextOutput : EventOutput
{
    private readonly TextWriter _writer;
    private readonly bool _json;

    public TextOutput(TextWriter writer, bool json, int capacity, int criticalCapacity)
        : base("stderr", capacity, criticalCapacity)
    {
        _writer = writer;
        _json = json;
    }

    protected override bool TryWrite(EventLine line, out string error)
    {
        error = "";
        try
        {
            _writer.Write((_json ? line.Json : line.Text) + "\n");
            _writer.Flush();
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            error = ex.Message;
            return false;
        }
    }
}
