using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Adapters.Webhooks;

namespace Orchestration.Activities.Tests.Webhooks;

public sealed class WebhookSenderTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string? Key, string? Timestamp, string? Signature, string Body)> _received = new();
    private readonly ConcurrentQueue<int> _answers = new();
    private readonly string _url;

    public WebhookSenderTests()
    {
        var port = FreePort();
        _url = $"http://127.0.0.1:{port}/hook";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = ServeAsync();
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            _received.Enqueue((context.Request.Headers["Idempotency-Key"], context.Request.Headers["X-Orchestration-Timestamp"], context.Request.Headers["X-Orchestration-Signature"], body));
            context.Response.StatusCode = _answers.TryDequeue(out var status) ? status : 200;
            context.Response.Close();
        }
    }

    private WebhookSender Sender(bool allowLoopback = true, string? secret = "s3cret")
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:AllowLoopback"] = allowLoopback.ToString(),
            ["Webhooks:SigningSecret"] = secret,
            ["Webhooks:FirstRetryDelay"] = "00:00:00.010",
            ["Webhooks:MaxAttempts"] = "3",
        };
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging()
            .AddWebhooks();
        return services.BuildServiceProvider().GetRequiredService<WebhookSender>();
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task SendAsync_Receiver200_DeliveredSignedWithKey()
    {
        var body = "{\"id\":\"b1\",\"status\":\"completed\"}"u8.ToArray();

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var delivery = await Sender().SendAsync(new Uri(_url), "b1:nonce", body);

        Assert.True(delivery.Delivered);
        var (key, timestamp, signature, received) = Assert.Single(_received);
        Assert.Equal("b1:nonce", key);
        Assert.InRange(long.Parse(timestamp!, System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal("v1=" + WebhookSender.Sign("s3cret", timestamp!, body), signature);
        Assert.Equal(Encoding.UTF8.GetString(body), received);
    }

    [Fact]
    public async Task SendAsync_TransientFailures_RetriedWithSameKeyThenDelivered()
    {
        _answers.Enqueue(503);
        _answers.Enqueue(429);

        var delivery = await Sender().SendAsync(new Uri(_url), "b1:nonce", "{}"u8.ToArray());

        Assert.True(delivery.Delivered);
        Assert.Equal(3, _received.Count);
        Assert.All(_received, r => Assert.Equal("b1:nonce", r.Key));
    }

    [Fact]
    public async Task SendAsync_AlwaysFailing_BoundedAttemptsAndNoThrow()
    {
        for (var i = 0; i < 10; i++)
        {
            _answers.Enqueue(500);
        }

        var delivery = await Sender().SendAsync(new Uri(_url), "k", "{}"u8.ToArray());

        Assert.False(delivery.Delivered);
        Assert.Equal(500, delivery.StatusCode);
        Assert.Equal(3, _received.Count);
    }

    [Fact]
    public async Task SendAsync_PermanentClientError_NotRetried()
    {
        _answers.Enqueue(400);

        var delivery = await Sender().SendAsync(new Uri(_url), "k", "{}"u8.ToArray());

        Assert.False(delivery.Delivered);
        Assert.Single(_received);
    }

    [Fact]
    public async Task SendAsync_LoopbackInCloudMode_RefusedWithoutConnecting()
    {
        var delivery = await Sender(allowLoopback: false).SendAsync(new Uri(_url.Replace("http:", "https:", StringComparison.Ordinal)), "k", "{}"u8.ToArray());

        Assert.False(delivery.Delivered);
        Assert.Contains("private, loopback, link-local or metadata", delivery.Error, StringComparison.Ordinal);
        Assert.Empty(_received);
    }

    [Theory]
    [InlineData("https://169.254.169.254/computeMetadata/v1/")]
    [InlineData("https://10.0.0.1/hook")]
    [InlineData("https://[fd00:ec2::254]/latest")]
    public async Task SendAsync_PrivateOrMetadataAddress_Refused(string url)
    {
        var delivery = await Sender(allowLoopback: false).SendAsync(new Uri(url), "k", "{}"u8.ToArray());

        Assert.False(delivery.Delivered);
        Assert.Contains("private, loopback, link-local or metadata", delivery.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_PlainHttpToPublicHost_Refused()
    {
        var delivery = await Sender().SendAsync(new Uri("http://hooks.example.com/x"), "k", "{}"u8.ToArray());

        Assert.Equal("Webhooks use https.", delivery.Error);
    }

    [Fact]
    public async Task SendAsync_NoSecret_DeliveredUnsigned()
    {
        var delivery = await Sender(secret: null).SendAsync(new Uri(_url), "k", "{}"u8.ToArray());

        Assert.True(delivery.Delivered);
        Assert.Null(Assert.Single(_received).Signature);
    }
}
