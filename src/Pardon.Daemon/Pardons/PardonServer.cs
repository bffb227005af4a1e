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
/// line. Every client is identified by the kernel (SO_PEERCRED, SO_PEERPIDFD where the kernel has it, and its
/// pid namespace) when it connects. Bounded in every direction so that no user can exhaust the daemon or deny
/// the socket to others: line length, time per line, a total lifetime per connection, clients at once (one slot
/// kept for root), connections per uid, requests per second per uid, requests per connection, requests waiting
/// for the worker. A malformed request gets an error response, never a crash. A request may carry its target
/// as a pidfd (SCM_RIGHTS) with its line. Nothing here is shared with the monitor thread.
/// </summary>
public sealed class PardonServer : IDisposable
{
    private const int SocketMode = 0x1B6; // 0666: anyone may ask; the kernel says who asked

    private static readonly UnixFileMode s_directoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly IPardonRequestHandler _handler;
    private readonly PardonServerOptions _options;
    private readonly IEventSink? _events;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _admission = new();
    private readonly Dictionary<uint, UserSlot> _users = [];
    private readonly long _burstTicks;
    private Socket? _listener;
    private Task? _acceptLoop;
    private FileIdentity _bound;
    private int _active;
    private int _disposed;
    private long _refused;
    private long _lastWarningTicks;

    public PardonServer(string socketPath, IPardonRequestHandler handler, PardonServerOptions? options = null, IEventSink? events = null)
    {
        SocketPath = socketPath;
        _handler = handler;
        _options = options ?? new PardonServerOptions();
        _events = events;
        _burstTicks = _options.RequestsPerSecond > 0 ? (long)(2 * Stopwatch.Frequency) : 0;
    }

    public string SocketPath { get; }

    /// <summary>Connections being served now.</summary>
    public int ActiveClients => Volatile.Read(ref _active);

    /// <summary>Connections and requests refused by the limits so far (busy answers).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Binds and starts accepting (<see cref="Bind"/> then <see cref="StartAccepting"/>).</summary>
    public void Start()
    {
        Bind();
        StartAccepting();
    }

    /// <summary>
    /// Creates the socket's directory (0755) if needed, refuses a directory others may write to (unless sticky),
    /// replaces a stale socket left by a daemon that died, binds and listens (mode 0666, set without following a
    /// symlink). Connections wait in the backlog until <see cref="StartAccepting"/>. Throws <see cref="IOException"/>
    /// when another daemon answers at the path or the path holds something other than a socket.
    /// </summary>
    public void Bind()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the pardon socket needs Linux (SO_PEERCRED)");
        }

        string? directory = Path.GetDirectoryName(SocketPath);
        if (!string.IsNullOrEmpty(directory))
        {
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, s_directoryMode);
            }

            if (SocketFile.UnsafeDirectory(directory) is string problem)
            {
                throw new IOException($"refusing to put the pardon socket in {directory}: {problem}; it must belong to root (or the daemon's user) and be writable by nobody else, or have the sticky bit");
            }
        }

        RemoveStaleSocket();
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(SocketPath));

            // bind(2) created the file with the umask's mode (0755 or so): nobody else can connect until this
            // chmod, which goes through an O_PATH|O_NOFOLLOW descriptor, so a symlink planted at the path in the
            // meantime is refused rather than followed.
            int errno = SocketFile.SetModeNoFollow(SocketPath, SocketMode);
            if (errno != 0)
            {
                throw new IOException($"cannot set the mode of {SocketPath}: {Pardon.Linux.Io.Errors.Describe(errno)} (was it replaced?)");
            }

            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _bound = SocketFile.IdentityOf(SocketPath);
        _listener = listener;
    }

    /// <summary>Starts accepting in the background.</summary>
    public void StartAccepting()
    {
        if (_listener is null)
        {
            throw new InvalidOperationException("Bind() first");
        }

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

            if (!PeerCredentials.TryRead(client, out PeerCredentials credentials))
            {
                client.Dispose();
                continue;
            }

            if (!TryAdmit(credentials.Uid, out string busy))
            {
                RejectBusy(client, busy);
                continue;
            }

            _ = Task.Run(() => ServeAsync(client, credentials));
        }
    }

    /// <summary>
    /// Takes a slot for a connection of <paramref name="uid"/>: within the total (less the slots kept for root,
    /// unless it is root) and within the uid's own share. The server's own lock; the monitor never takes it.
    /// </summary>
    private bool TryAdmit(uint uid, out string busy)
    {
        lock (_admission)
        {
            int limit = uid == 0 ? _options.MaxClients : _options.MaxClients - _options.ReservedForRoot;
            if (_active >= limit)
            {
                busy = $"busy: {_active} clients are connected already; try again in a moment";
                return false;
            }

            UserSlot slot = Slot(uid);
            if (uid != 0 && slot.Connections >= _options.MaxConnectionsPerUser)
            {
                busy = $"busy: uid {uid} has {slot.Connections} connections open already, the most one user may (pardon.max_connections_per_user); close one first";
                return false;
            }

            slot.Connections++;
            _active++;
            busy = "";
            return true;
        }
    }

    private void Release(uint uid)
    {
        lock (_admission)
        {
            _active--;
            if (_users.TryGetValue(uid, out UserSlot? slot))
            {
                slot.Connections--;
            }
        }
    }

    /// <summary>Takes one request from <paramref name="uid"/>'s budget (a token bucket refilled at pardon.requests_per_second); root is not limited.</summary>
    private bool TryTakeRequest(uint uid)
    {
        if (uid == 0 || _options.RequestsPerSecond <= 0)
        {
            return true;
        }

        lock (_admission)
        {
            UserSlot slot = Slot(uid);
            long now = Stopwatch.GetTimestamp();
            long perRequest = (long)(Stopwatch.Frequency / _options.RequestsPerSecond);

            // The bucket is a time: the moment the uid's budget is next empty. It starts at most a burst behind now.
            slot.Budget = Math.Max(slot.Budget, now - _burstTicks);
            if (slot.Budget + perRequest > now)
            {
                return false;
            }

            slot.Budget += perRequest;
            return true;
        }
    }

    /// <summary>The uid's bookkeeping; entries of uids with no connection are pruned when the table grows (a full budget is all they lose).</summary>
    private UserSlot Slot(uint uid)
    {
        if (_users.TryGetValue(uid, out UserSlot? slot))
        {
            return slot;
        }

        if (_users.Count >= 1024)
        {
            long now = Stopwatch.GetTimestamp();
            foreach ((uint u, UserSlot s) in _users)
            {
                if (s.Connections == 0 && s.Budget <= now - _burstTicks)
                {
                    _users.Remove(u);
                }
            }
        }

        slot = new UserSlot();
        _users[uid] = slot;
        return slot;
    }

    private void RejectBusy(Socket client, string message)
    {
        Interlocked.Increment(ref _refused);
        WarnRefusals();
        using (client)
        {
            try
            {
                // A fresh socket's send buffer is empty: this small write completes at once.
                client.Blocking = false;
                client.Send(Encode(PardonResponse.Failure(PardonCodes.Busy, message)));
            }
            catch (SocketException)
            {
            }
        }
    }

    private async Task ServeAsync(Socket client, PeerCredentials credentials)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_options.MaxLineBytes + 1);
        byte[] peek = new byte[1];
        int[] received = new int[FdPassing.MaxDescriptors];
        PeerPidFd? pidFd = null;
        PassedDescriptor? pending = null;
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        lifetime.CancelAfter(_options.ConnectionLifetime);
        try
        {
            pidFd = PeerPidFd.TryOpen(client);
            var peer = new PardonPeer(credentials, pidFd, PardonPeer.ReadNamespace(credentials, pidFd));
            int limit = _options.MaxLineBytes + 1;
            int filled = 0;
            int answered = 0;
            long connected = Stopwatch.GetTimestamp();
            long lineStarted = connected;
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

                    TimeSpan lineLeft = _options.ReadTimeout - Stopwatch.GetElapsedTime(lineStarted);
                    TimeSpan lifeLeft = _options.ConnectionLifetime - Stopwatch.GetElapsedTime(connected);
                    if (lineLeft <= TimeSpan.Zero || lifeLeft <= TimeSpan.Zero)
                    {
                        if (!_stop.IsCancellationRequested)
                        {
                            await SendAsync(client, lifeLeft <= TimeSpan.Zero
                                ? PardonResponse.Failure(PardonCodes.Busy, $"busy: connection closed after {_options.ConnectionLifetime.TotalSeconds:0.#} s, the most one connection may stay open (pardon.connection_lifetime); reconnect")
                                : PardonResponse.Failure(PardonCodes.BadRequest, $"bad request: no complete request line within {_options.ReadTimeout.TotalSeconds:0.#} s")).ConfigureAwait(false);
                        }

                        return;
                    }

                    int n = FdPassing.Receive(client.SafeHandle, buffer.AsSpan(filled, limit - filled), received, out int count);
                    for (int i = 0; i < count; i++)
                    {
                        // At most one descriptor waits for the line that asks for it; any other is closed at once.
                        if (pending is null)
                        {
                            pending = new PassedDescriptor(received[i]);
                        }
                        else
                        {
                            FdPassing.Close(received[i]);
                        }
                    }

                    if (n == -Interop.Errno.EAGAIN)
                    {
                        // Wait for bytes without taking them: a 1-byte MSG_PEEK leaves the data, and the descriptors
                        // that came with it, for the recvmsg above.
                        // Readable or timed out, the loop goes round: the checks above answer a timeout.
                        _ = await WaitReadableAsync(client, peek, lineLeft < lifeLeft ? lineLeft : lifeLeft).ConfigureAwait(false);
                        continue;
                    }

                    if (n < 0)
                    {
                        return; // ECONNRESET and the like: the client is gone
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
                    if (!TryTakeRequest(credentials.Uid))
                    {
                        Interlocked.Increment(ref _refused);
                        WarnRefusals();
                        await SendAsync(client, PardonResponse.Failure(PardonCodes.Busy,
                            $"busy: uid {credentials.Uid} sent more than {_options.RequestsPerSecond:0.#} requests a second (pardon.requests_per_second); slow down")).ConfigureAwait(false);
                        return;
                    }

                    PardonResponse response = await AnswerAsync(peer, line, ref pending, lifetime.Token).ConfigureAwait(false);
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
            pending?.Dispose();
            pidFd?.Dispose();
            client.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            Release(credentials.Uid);
        }
    }

    /// <summary>Waits until the client has sent something (or closed); false on timeout.</summary>
    private async Task<bool> WaitReadableAsync(Socket client, byte[] peek, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(timeout);
        try
        {
            _ = await client.ReceiveAsync(peek, SocketFlags.Peek, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            return false;
        }
    }

    private Task<PardonResponse> AnswerAsync(PardonPeer peer, ReadOnlySpan<byte> line, ref PassedDescriptor? pending, CancellationToken lifetime)
    {
        if (!PardonRequestParser.TryParse(line, out PardonRequest? request, out string error))
        {
            return Task.FromResult(PardonResponse.Failure(PardonCodes.BadRequest, error));
        }

        PassedDescriptor? passed = null;
        if (request.UsesPidFd && pending is not null)
        {
            passed = pending;
            pending = null;
            request = request with { TargetPidFd = passed };
        }

        return HandleAsync(peer, request, passed, lifetime);
    }

    private async Task<PardonResponse> HandleAsync(PardonPeer peer, PardonRequest request, PassedDescriptor? passed, CancellationToken lifetime)
    {
        try
        {
            return await _handler.HandleAsync(peer, request, lifetime).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug must cost one answer, never the daemon.
            Warn($"pardon {request.Op.ToString().ToLowerInvariant()} failed: {ex.GetType().Name}: {ex.Message}");
            return PardonResponse.Failure(PardonCodes.Internal, "internal error: " + ex.Message);
        }
        finally
        {
            passed?.Dispose();
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

    /// <summary>One warning a minute at most about refused connections and requests: a flood must not become an event flood.</summary>
    private void WarnRefusals()
    {
        long now = Stopwatch.GetTimestamp();
        long last = Interlocked.Read(ref _lastWarningTicks);
        if (last != 0 && now - last < 60 * Stopwatch.Frequency)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastWarningTicks, now, last) == last)
        {
            Warn($"refusing connections or requests beyond the socket's limits ({Refused} so far): a client opens too many connections or sends too many requests");
        }
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

    private sealed class UserSlot
    {
        public int Connections { get; set; }

        /// <summary>Stopwatch ticks: the moment the uid's request budget runs out (a token bucket kept as a time).</summary>
        public long Budget { get; set; }
    }
}
