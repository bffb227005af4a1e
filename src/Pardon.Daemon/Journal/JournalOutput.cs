// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Net.Sockets;
using Pardon.Daemon.Events;

namespace Pardon.Daemon.Journal;

/// <summary>
/// Events as structured journal entries over the native socket, used when stderr is the journal
/// (<see cref="Pardon.Linux.Logging.JournalStream"/>). When the socket refuses an entry (journald
/// restarting, an entry too large for one datagram) the event is written as a plain line to stderr instead
/// — which the journal also records — so nothing goes silent; the socket is tried again after
/// <see cref="EventOutput.RetryInterval"/>, and both changes are reported.
/// </summary>
public sealed class JournalOutput : EventOutput
{
    private readonly UnixDomainSocketEndPoint _endpoint;
    private readonly string _path;
    private readonly TextWriter? _fallback;
    private Socket? _socket;
    private long _retryAt;

    /// <param name="socketPath">The journal's socket (/run/systemd/journal/socket; tests bind their own).</param>
    /// <param name="fallback">Where plain lines go when the socket fails (stderr).</param>
    public JournalOutput(string socketPath, TextWriter? fallback, int capacity, int criticalCapacity)
        : base("journal", capacity, criticalCapacity)
    {
        _path = socketPath;
        _endpoint = new UnixDomainSocketEndPoint(socketPath);
        _fallback = fallback;
    }

    protected override bool TryWrite(EventLine line, out string error)
    {
        error = "";
        long now = Environment.TickCount64;
        if (Error is null || now >= _retryAt)
        {
            try
            {
                _socket ??= new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
                _socket.SendTo(JournalEntry.Format(line), SocketFlags.None, _endpoint);
                ReportDegraded(null, $"the journal socket {_path} accepts entries again");
                return true;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.MessageSize)
            {
                // This one entry is too large for a datagram (journald would take it as a memfd): a plain line instead.
            }
            catch (SocketException ex)
            {
                _socket?.Dispose();
                _socket = null;
                _retryAt = now + (long)RetryInterval.TotalMilliseconds;
                ReportDegraded($"cannot send to the journal socket {_path}: {ex.Message}; writing plain lines to stderr instead, retrying every {RetryInterval.TotalSeconds:0.#} s");
            }
        }

        if (_fallback is null)
        {
            return true; // nowhere else to write; counted as degraded, not retried line by line
        }

        try
        {
            _fallback.Write(line.Text + "\n");
            _fallback.Flush();
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            error = "the journal socket and stderr both fail: " + ex.Message;
            return false;
        }
    }

    protected override void Release() => _socket?.Dispose();
}
