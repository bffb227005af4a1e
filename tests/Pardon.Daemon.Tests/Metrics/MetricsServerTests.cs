// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Net;
using System.Net.Sockets;
using System.Text;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Metrics;

namespace Pardon.Daemon.Tests.Metrics;

/// <summary>The metrics endpoint over real TCP on 127.0.0.1, on an ephemeral port, with a real HTTP client.</summary>
public sealed class MetricsServerTests : IDisposable
{
    private readonly MetricsServer _server;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private int _scrapes;

    public MetricsServerTests()
    {
        _server = new MetricsServer(new IPEndPoint(IPAddress.Loopback, 0), Snapshot, readTimeout: TimeSpan.FromMilliseconds(300));
        _server.Start();
    }

    private string Base => $"http://127.0.0.1:{_server.EndPoint.Port}";

    private MetricsSnapshot Snapshot()
    {
        Interlocked.Increment(ref _scrapes);
        return PrometheusWriterTests.Fixed();
    }

    [Fact]
    public async Task GetMetrics_Returns200_WithTheExpositionAndItsContentType()
    {
        using HttpResponseMessage response = await _http.GetAsync(Base + "/metrics");
        byte[] body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal(new PrometheusWriter().WriteString(PrometheusWriterTests.Fixed()), Encoding.UTF8.GetString(body));
        Assert.Empty(ExpositionValidator.Validate(Encoding.UTF8.GetString(body)));
    }

    [Fact]
    public async Task GetMetrics_Repeatedly_ServesEachScrapeAFreshSnapshot()
    {
        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage response = await _http.GetAsync(Base + "/metrics?x=" + i);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(5, Volatile.Read(ref _scrapes));
    }

    [Fact]
    public async Task GetRoot_ReturnsAPageLinkingMetrics()
    {
        using HttpResponseMessage response = await _http.GetAsync(Base + "/");
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("href=\"/metrics\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetOtherPath_Returns404()
    {
        using HttpResponseMessage response = await _http.GetAsync(Base + "/metricsx");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, Volatile.Read(ref _scrapes));
    }

    [Fact]
    public async Task PostMetrics_Returns405_WithAllow()
    {
        using var content = new StringContent("x");
        using HttpResponseMessage response = await _http.PostAsync(Base + "/metrics", content);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.ToArray());
    }

    [Fact]
    public async Task HeadMetrics_SendsTheHeadersOnly()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, Base + "/metrics");
        using HttpResponseMessage response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentLength > 0);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task OversizedRequestHead_Returns431_AndTheServerCarriesOn()
    {
        string response = await RawAsync("GET /metrics HTTP/1.1\r\nX-Junk: " + new string('a', MetricsServer.MaxRequestHead) + "\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 431 ", response, StringComparison.Ordinal);
        using HttpResponseMessage next = await _http.GetAsync(Base + "/metrics");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task GarbageRequestLine_Returns400()
    {
        string response = await RawAsync("HELLO\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400 ", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StalledClient_IsDroppedAfterTheReadTimeout_AndTheNextIsServed()
    {
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await stalled.ConnectAsync(_server.EndPoint);
        await stalled.SendAsync("GET /metr"u8.ToArray());

        // The server serves one connection at a time; the stalled one must not hold it past the timeout.
        using HttpResponseMessage response = await _http.GetAsync(Base + "/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        byte[] buffer = new byte[16];
        Assert.Equal(0, await stalled.ReceiveAsync(buffer));
    }

    [Fact]
    public void Start_OnAPortInUse_SaysSo()
    {
        using var server = new MetricsServer(_server.EndPoint, Snapshot);

        IOException ex = Assert.Throws<IOException>(server.Start);

        Assert.Contains($"127.0.0.1:{_server.EndPoint.Port}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("in use", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WithABadAddress_IsAConfigurationError()
    {
        ConfigException ex = Assert.Throws<ConfigException>(() => MetricsServer.Create("localhost", Snapshot));

        Assert.Contains("metrics.listen", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WithPortOnly_BindsLoopback()
    {
        using MetricsServer server = MetricsServer.Create(":9789", Snapshot);

        Assert.Equal(IPAddress.Loopback, server.EndPoint.Address);
    }

    private async Task<string> RawAsync(string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_server.EndPoint);
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        }
        catch (SocketException)
        {
            // The server may answer and close before the whole oversized request is sent.
        }

        var received = new MemoryStream();
        byte[] buffer = new byte[4096];
        int read;
        try
        {
            while ((read = await socket.ReceiveAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // A reset after the answer (unread request bytes) is fine: the answer was read first.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    public void Dispose()
    {
        _server.Dispose();
        _http.Dispose();
    }
}
