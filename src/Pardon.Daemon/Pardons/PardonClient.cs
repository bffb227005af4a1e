// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Net.Sockets;
using System.Text.Json;
using Pardon.Linux.Processes;
using Pardon.Linux.Sockets;

namespace Pardon.Daemon.Pardons;

/// <summary>
/// The client side of the pardon protocol, shared by `pardon request/release/run/list/status` and by
/// `pardon rank`/`explain` (which ask a running daemon for its pardons). One connection, one request per
/// <see cref="SendAsync(PardonRequestMessage, CancellationToken)"/>, every step under a timeout so a hung daemon cannot hang its clients.
/// </summary>
public sealed class PardonClient : IDisposable
{
    /// <summary>The longest response accepted (a list of many pardons fits many times over).</summary>
    public const int MaxResponseBytes = 1 << 20;

    private readonly Socket _socket;
    private byte[] _buffer = new byte[16 * 1024];
    private int _filled;

    private PardonClient(Socket socket, string socketPath, TimeSpan timeout)
    {
        _socket = socket;
        SocketPath = socketPath;
        Timeout = timeout;
    }

    public string SocketPath { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Connects; throws <see cref="PardonClientException"/> (Unreachable) when no daemon answers at <paramref name="socketPath"/>.</summary>
    public static async Task<PardonClient> ConnectAsync(string socketPath, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cts.Token).ConfigureAwait(false);
            return new PardonClient(socket, socketPath, timeout);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            (string reason, bool noDaemon) = ex.SocketErrorCode switch
            {
                SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported => ("no such file", true),
                SocketError.ConnectionRefused => ("connection refused (a socket left behind by a daemon that is gone)", true),
                SocketError.AccessDenied => ("permission denied", false),
                _ => (ex.Message, false),
            };
            if (!File.Exists(socketPath) && !Directory.Exists(socketPath))
            {
                (reason, noDaemon) = ("no such file", true);
            }

            throw new PardonClientException(socketPath, reason, unreachable: true) { NoDaemon = noDaemon };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new PardonClientException(socketPath, $"no connection within {timeout.TotalSeconds:0.#} s", unreachable: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects, sends one request, returns the response.</summary>
    public static async Task<PardonResponse> RequestAsync(string socketPath, PardonRequestMessage request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using PardonClient client = await ConnectAsync(socketPath, timeout, cancellationToken).ConfigureAwait(false);
        return await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects, sends one request with <paramref name="target"/> passed as its pidfd (SCM_RIGHTS), returns the response.</summary>
    public static async Task<PardonResponse> RequestAsync(string socketPath, PardonRequestMessage request, PidFd target, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using PardonClient client = await ConnectAsync(socketPath, timeout, cancellationToken).ConfigureAwait(false);
        return await client.SendAsync(request, target, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one request line and reads the response line.</summary>
    public Task<PardonResponse> SendAsync(PardonRequestMessage request, CancellationToken cancellationToken = default)
        => SendAsync(request, target: null, cancellationToken);

    /// <summary>
    /// Sends one request line, with <paramref name="target"/>'s pidfd attached to it (SCM_RIGHTS) when given — the
    /// request should then say "pidfd": true — and reads the response line.
    /// </summary>
    public async Task<PardonResponse> SendAsync(PardonRequestMessage request, PidFd? target, CancellationToken cancellationToken = default)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(request, PardonProtocolJsonContext.Wire.PardonRequestMessage);
        byte[] line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        try
        {
            int sent = 0;
            if (target is not null)
            {
                // The descriptor travels with the first bytes of the line; a fresh connection's buffer takes all of it.
                int n = FdPassing.SendWithDescriptor(_socket.SafeHandle, line, target.Fd);
                if (n < 0)
                {
                    throw Protocol("could not be sent the request with its pidfd: " + System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(-n));
                }

                sent = n;
            }

            while (sent < line.Length)
            {
                sent += await _socket.SendAsync(line.AsMemory(sent), SocketFlags.None, cts.Token).ConfigureAwait(false);
            }

            int newline;
            while ((newline = _buffer.AsSpan(0, _filled).IndexOf((byte)'\n')) < 0)
            {
                if (_filled == _buffer.Length)
                {
                    if (_buffer.Length >= MaxResponseBytes)
                    {
                        throw Protocol($"sent a response longer than {MaxResponseBytes} bytes");
                    }

                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                int n = await _socket.ReceiveAsync(_buffer.AsMemory(_filled), SocketFlags.None, cts.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    throw Protocol(_filled == 0 ? "closed the connection without answering" : "closed the connection mid-answer");
                }

                _filled += n;
            }

            PardonResponse? response;
            try
            {
                response = JsonSerializer.Deserialize(_buffer.AsSpan(0, newline), PardonProtocolJsonContext.Wire.PardonResponse);
            }
            catch (JsonException ex)
            {
                throw Protocol("sent an answer that is not the pardon protocol: " + ex.Message);
            }

            int consumed = newline + 1;
            Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _filled - consumed);
            _filled -= consumed;
            return response ?? throw Protocol("sent an empty answer");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Protocol($"did not answer within {Timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            throw Protocol("dropped the connection: " + ex.Message);
        }
    }

    private PardonClientException Protocol(string what) => new(SocketPath, what, unreachable: false);

    public void Dispose() => _socket.Dispose();
}
