// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Pardon.Daemon.Pardons;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>A deliberately unhelpful client: sends whatever bytes a test likes and reads raw response lines.</summary>
public sealed class RawClient : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly List<byte> _pending = [];

    public RawClient(string path)
    {
        _socket.Connect(new UnixDomainSocketEndPoint(path));
    }

    public void Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    public void Send(byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length)
        {
            sent += _socket.Send(bytes.AsSpan(sent));
        }
    }

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>The next response line, or null when the server closed the connection first.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        byte[] buffer = new byte[4096];
        while (true)
        {
            int nl = _pending.IndexOf((byte)'\n');
            if (nl >= 0)
            {
                string line = Encoding.UTF8.GetString(_pending.GetRange(0, nl).ToArray());
                _pending.RemoveRange(0, nl + 1);
                return line;
            }

            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (SocketException)
            {
                return null;
            }

            if (n == 0)
            {
                return null;
            }

            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }
    }

    public async Task<PardonResponse> ReadResponseAsync(TimeSpan? timeout = null)
    {
        string? line = await ReadLineAsync(timeout);
        Assert.NotNull(line);
        return JsonSerializer.Deserialize(line, PardonProtocolJsonContext.Default.PardonResponse)!;
    }

    /// <summary>True when the server has closed the connection (reads end) within the timeout.</summary>
    public async Task<bool> IsClosedAsync(TimeSpan? timeout = null) => await ReadLineAsync(timeout) is null;

    public void Dispose() => _socket.Dispose();
}
