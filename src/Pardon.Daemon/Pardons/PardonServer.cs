// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Pardon.Core;
using Pardon.Core.Pardons;
using Pardon.Daemon.Events;
using Pardon.Linux.Sockets;

namespace Pardon.Daemon.Pardons;

/// <summary>
/// The pardon socket: newline-delimited JSON over a Unix stream socket, one response line per request
/// line. Every client is identified by the kernel (SO_PEERCRED, and SO_PEERPIDFD where the kernel has
/// it) when it connects. Bounded in every direction — line length, time per line, clients at once,
/// requests per connection — and a malformed request gets an error response, never a crash.
/// </summary>
public sealed class PardonServer : IDisposable
{
    private static readonly UnixFileMode s_socketMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    private static readonly UnixFileMode s_directoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly IPardonRequestHandler _handler;
    private readonly PardonServerOptions _options;
    private readonly IEventSink? _events;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private FileIdentity _bound;
    private int _active;
    private int _disposed;

    public PardonServer(string socketPath, IPardonRequestHandler handler, PardonServerOptions? options = null, IEventSink? events = null)
    {
        SocketPath = socketPath;
        _handler = handler;
        _options = options ?? new PardonServerOptions();
        _events = events;
    }

    public string SocketPath { get; }

    /// <summary>Connections being served now.</summary>
    public int ActiveClients => Volatile.Read(ref _active);

    /// <summary>
    /// Creates the socket's directory (0755) if needed, replaces a stale socket left by a daemon that died,
    /// binds (mode 0666: anyone may ask; the kernel says who asked), and accepts in the background.
    /// Throws <see cref="IOException"/> when another daemon answers at the path or the path holds something
    /// other than a socket.
    /// </summary>
    public void Start()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the pardon socket needs Linux (SO_PEERCRED)");
        }

        string? directory = Path.GetDirectoryName(SocketPath);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, s_directoryMode);
        }

        RemoveStaleSocket();
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(SocketPath));

            // bind(2) created the file with the umask's mode (0755 or so): nobody else can connect until
            // this chmod, so there is no moment when the socket is more open than intended.
            File.SetUnixFileMode(SocketPath, s_socketMode);
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _bound = SocketFile.IdentityOf(SocketPath);
        _listener = listener;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private void RemoveStaleSocket()
    {
        switch (SocketFile.IsSocket(SocketPath))
        {
            case null:
                return;
            case false:
                throw new IOException($"{SocketPath} exists and is not a socket; refusing to replace it (remove it, or set pardon.socket elsewhere)");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(SocketPath));
        }
        catch (SocketException)
        {
            // Nobody listens: a socket left by a daemon that did not shut down cleanly.
            File.Delete(SocketPath);
            return;
        }

        throw new IOException($"another Pardon daemon is answering at {SocketPath}; stop it first, or use another --socket");
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener!.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                // EMFILE and friends: back off rather than spin; the clients waiting in the backlog keep.
                Warn("accept failed: " + ex.Message);
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            if (Interlocked.Increment(ref _active) > _options.MaxClients)
            {
                Interlocked.Decrement(ref _active);
                RejectBusy(client);
                continue;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private void RejectBusy(Socket client)
    {
        using (client)
        {
            try
            {
                // A fresh socket's send buffer is empty: this small write completes at once.
                client.Blocking = false;
                client.Send(Encode(PardonResponse.Failure(PardonCodes.Busy,
                    $"busy: {_options.MaxClients} clients are connected already; try again in a moment")));
            }
            catch (SocketException)
            {
            }
        }
    }

    private async Task ServeAsync(Socket client)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_options.MaxLineBytes + 1);
        PeerPidFd? pidFd = null;
        try
        {
            if (!PeerCredentials.TryRead(client, out PeerCredentials credentials))
            {
                return;
            }

            pidFd = PeerPidFd.TryOpen(client);
            var peer = new PardonPeer(credentials, pidFd);
            int limit = _options.MaxLineBytes + 1;
            int filled = 0;
            int answered = 0;
            long lineStarted = Stopwatch.GetTimestamp();
            while (answered < _options.MaxRequestsPerConnection)
            {
                int newline = buffer.AsSpan(0, filled).IndexOf((byte)'\n');
                bool atEnd = false;
                if (newline < 0)
                {
                    if (filled >= limit)
                    {
                        await SendAsync(client, PardonResponse.Failure(PardonCodes.BadRequest,
                            $"bad request: longer than {_options.MaxLineBytes} bytes (one request per line, each a small JSON object)")).ConfigureAwait(false);
                        return;
                    }

                    TimeSpan left = _options.ReadTimeout - Stopwatch.GetElapsedTime(lineStarted);
                    int n = left > TimeSpan.Zero ? await ReceiveAsync(client, buffer.AsMemory(filled, limit - filled), left).ConfigureAwait(false) : -1;
                    if (n < 0)
                    {
                        if (!_stop.IsCancellationRequested)
                        {
                            await SendAsync(client, PardonResponse.Failure(PardonCodes.BadRequest,
                                $"bad request: no complete request line within {_options.ReadTimeout.TotalSeconds:0.#} s")).ConfigureAwait(false);
                        }

                        return;
                    }

                    if (n > 0)
                    {
                        filled += n;
                        continue;
                    }

                    // End of input: a last line without its newline is still a request.
                    if (filled == 0)
                    {
                        return;
                    }

                    newline = filled;
                    atEnd = true;
                }

                ReadOnlySpan<byte> line = buffer.AsSpan(0, newline).Trim(" \t\r"u8);
                if (!line.IsEmpty)
                {
                    PardonResponse response = Answer(peer, line);
                    answered++;
                    if (!await SendAsync(client, response).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                if (atEnd)
                {
                    return;
                }

                int consumed = newline + 1;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                filled -= consumed;
                lineStarted = Stopwatch.GetTimestamp();
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The client went away or the server is stopping: nothing to answer.
        }
        catch (Exception ex)
        {
            Warn("pardon client failed: " + ex.Message);
        }
        finally
        {
            pidFd?.Dispose();
            client.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Decrement(ref _active);
        }
    }

    private PardonResponse Answer(PardonPeer peer, ReadOnlySpan<byte> line)
    {
        if (!PardonRequestParser.TryParse(line, out PardonRequest? request, out string error))
        {
            return PardonResponse.Failure(PardonCodes.BadRequest, error);
        }

        try
        {
            return _handler.Handle(peer, request);
        }
        catch (Exception ex)
        {
            // A bug must cost one answer, never the daemon.
            Warn($"pardon {request.Op.ToString().ToLowerInvariant()} failed: {ex.GetType().Name}: {ex.Message}");
            return PardonResponse.Failure(PardonCodes.Internal, "internal error: " + ex.Message);
        }
    }

    /// <summary>Bytes received, 0 at end of input, -1 on timeout or shutdown.</summary>
    private async Task<int> ReceiveAsync(Socket client, Memory<byte> into, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(timeout);
        try
        {
            return await client.ReceiveAsync(into, SocketFlags.None, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
    }

    private async Task<bool> SendAsync(Socket client, PardonResponse response)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(_options.WriteTimeout);
        byte[] bytes = Encode(response);
        try
        {
            int sent = 0;
            while (sent < bytes.Length)
            {
                sent += await client.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cts.Token).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    internal static byte[] Encode(PardonResponse response)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(response, PardonProtocolJsonContext.Wire.PardonResponse);
        byte[] line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }

    private void Warn(string message)
        => _events?.Emit(new DaemonEvent { Event = "warning", Code = "pardon_server", Message = message });

    /// <summary>Stops accepting, ends the connections in progress (waiting up to 2 s), and removes the socket if it is still this server's.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _listener?.Dispose();
        try
        {
            _acceptLoop?.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }

        var waited = Stopwatch.StartNew();
        while (Volatile.Read(ref _active) > 0 && waited.Elapsed < TimeSpan.FromSeconds(2))
        {
            Thread.Sleep(10);
        }

        // Disposing the listener normally unlinks the path already (.NET does so for a socket it bound);
        // if the file is still there, remove it only while it is our own socket, not a newer daemon's.
        if (_bound.IsKnown && SocketFile.IdentityOf(SocketPath) == _bound)
        {
            try
            {
                File.Delete(SocketPath);
            }
            catch (IOException)
            {
            }
        }

        _stop.Dispose();
    }
}
