// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pardon.Daemon.Configuration;

namespace Pardon.Daemon.Metrics;

/// <summary>
/// A deliberately small HTTP/1.1 server (RFC 9112) for one thing: `GET /metrics` in the Prometheus text format.
/// No ASP.NET (nothing to trim, nothing to configure): it answers one connection at a time and closes it
/// (`Connection: close`), which is all a scraper needs. The request head is bounded and must arrive within a
/// timeout, so a stalled or hostile client costs a few KiB and a few seconds, never the daemon. It runs on
/// the thread pool, never on the monitor's thread.
/// </summary>
public sealed class MetricsServer : IDisposable
{
    /// <summary>The longest request head (request line and headers) read; longer gets 431.</summary>
    public const int MaxRequestHead = 8 * 1024;

    private static readonly byte[] s_index = Encoding.UTF8.GetBytes(
        "<!DOCTYPE html>\n<html><head><title>Pardon</title></head><body><h1>Pardon</h1>" +
        "<p><a href=\"/metrics\">Metrics</a></p></body></html>\n");

    private static readonly byte[] s_tooLarge = "request head too large\n"u8.ToArray();
    private static readonly byte[] s_badRequest = "bad request\n"u8.ToArray();
    private static readonly byte[] s_notAllowed = "only GET and HEAD\n"u8.ToArray();
    private static readonly byte[] s_notFound = "not found: try /metrics\n"u8.ToArray();

    private readonly TcpListener _listener;
    private readonly Func<MetricsSnapshot> _snapshot;
    private readonly PrometheusWriter _writer = new();
    private readonly byte[] _request = new byte[MaxRequestHead];
    private readonly byte[] _head = new byte[512];
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _readTimeout;
    private Task? _loop;
    private bool _disposed;

    public MetricsServer(IPEndPoint endPoint, Func<MetricsSnapshot> snapshot, TimeSpan? readTimeout = null)
    {
        _listener = new TcpListener(endPoint);
        _snapshot = snapshot;
        _readTimeout = readTimeout ?? TimeSpan.FromSeconds(5);
    }

    /// <summary>The address bound (with the real port once started, when port 0 asked for an ephemeral one).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>A server for a `metrics.listen` value ("HOST:PORT", ":PORT" for loopback).</summary>
    public static MetricsServer Create(string listen, Func<MetricsSnapshot> snapshot)
    {
        if (!MetricsAddress.TryParse(listen, out IPEndPoint endPoint, out string error))
        {
            throw new ConfigException("metrics.listen", [error]);
        }

        return new MetricsServer(endPoint, snapshot);
    }

    /// <summary>Binds and starts serving. A bind failure throws an <see cref="IOException"/> that says why.</summary>
    public void Start()
    {
        try
        {
            _listener.Start(backlog: 16);
        }
        catch (SocketException ex)
        {
            string why = ex.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "the address is in use (another daemon or exporter on that port?)",
                SocketError.AccessDenied => "permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)",
                SocketError.AddressNotAvailable => "no local interface has that address",
                _ => ex.Message,
            };
            throw new IOException($"cannot serve metrics on {_listener.LocalEndpoint}: {why}", ex);
        }

        _loop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset before it was accepted, or out of descriptors: pause rather than spin.
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            using (client)
            {
                try
                {
                    await ServeAsync(client, stop).ConfigureAwait(false);
                    await LingerAsync(client, stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
                {
                    // The client went away or was too slow; nothing to answer.
                }
            }
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(_readTimeout);
        int length = 0;
        int headEnd;
        while ((headEnd = _request.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (length == _request.Length)
            {
                await RespondAsync(client, 431, "Request Header Fields Too Large", "text/plain; charset=utf-8", s_tooLarge, head: false, timeout.Token).ConfigureAwait(false);
                return;
            }

            int read = await client.ReceiveAsync(_request.AsMemory(length), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            length += read;
        }

        // request-line = method SP request-target SP HTTP-version (RFC 9112 section 3).
        ReadOnlySpan<byte> head = _request.AsSpan(0, headEnd);
        int eol = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> line = eol < 0 ? head : head[..eol];
        int sp1 = line.IndexOf((byte)' ');
        int sp2 = sp1 < 0 ? -1 : line[(sp1 + 1)..].IndexOf((byte)' ');
        if (sp1 <= 0 || sp2 <= 0 || !line[(sp1 + 1 + sp2 + 1)..].StartsWith("HTTP/1."u8))
        {
            await RespondAsync(client, 400, "Bad Request", "text/plain; charset=utf-8", s_badRequest, head: false, timeout.Token).ConfigureAwait(false);
            return;
        }

        ReadOnlySpan<byte> method = line[..sp1];
        ReadOnlySpan<byte> target = line.Slice(sp1 + 1, sp2);
        int query = target.IndexOf((byte)'?');
        if (query >= 0)
        {
            target = target[..query];
        }

        bool isHead = method.SequenceEqual("HEAD"u8);
        if (!isHead && !method.SequenceEqual("GET"u8))
        {
            await RespondAsync(client, 405, "Method Not Allowed", "text/plain; charset=utf-8", s_notAllowed, isHead, timeout.Token).ConfigureAwait(false);
            return;
        }

        if (target.SequenceEqual("/metrics"u8))
        {
            ReadOnlyMemory<byte> body = _writer.Write(_snapshot());
            await RespondAsync(client, 200, "OK", PrometheusWriter.ContentType, body, isHead, timeout.Token).ConfigureAwait(false);
        }
        else if (target.SequenceEqual("/"u8))
        {
            await RespondAsync(client, 200, "OK", "text/html; charset=utf-8", s_index, isHead, timeout.Token).ConfigureAwait(false);
        }
        else
        {
            await RespondAsync(client, 404, "Not Found", "text/plain; charset=utf-8", s_notFound, isHead, timeout.Token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After the answer and our half-close, reads what the client still sends (an unread request body) until it
    /// closes, briefly: closing with unread data would send a reset that can destroy the answer before the client
    /// reads it (RFC 9112 section 9.6, "tear-down").
    /// </summary>
    private async Task LingerAsync(Socket client, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        int total = 0;
        while (total < 64 * 1024)
        {
            int read = await client.ReceiveAsync(_request, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            total += read;
        }
    }

    private async Task RespondAsync(Socket client, int status, string reason, string contentType, ReadOnlyMemory<byte> body, bool head, CancellationToken cancellationToken)
    {
        string allow = status == 405 ? "Allow: GET, HEAD\r\n" : "";
        int headLength = Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture,
                $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n{allow}Connection: close\r\n\r\n"),
            _head);
        await client.SendAsync(_head.AsMemory(0, headLength), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (!head && body.Length > 0)
        {
            await client.SendAsync(body, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }

        // Half-close, so the client reads to the end before the socket is closed under it.
        client.Shutdown(SocketShutdown.Send);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // The loop ends on its own terms; its exceptions were already handled or do not matter at stop.
        }

        _stop.Dispose();
    }
}
