using System.Collections.Concurrent;
using System.Net;

namespace Orchestration.Server.Tests;

/// <summary>A loopback webhook endpoint that answers 200 and records the idempotency key of every delivery.</summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<string?> _keys = new();
    private readonly Task _loop;

    public WebhookReceiver()
    {
        Url = $"http://127.0.0.1:{ServerProcess.FreePort()}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public string Url { get; }

    /// <summary>The <c>Idempotency-Key</c> header of each delivery, in arrival order.</summary>
    public IReadOnlyList<string?> Keys => [.. _keys];

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending accept.
        }
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                await reader.ReadToEndAsync();
            }

            _keys.Enqueue(context.Request.Headers["Idempotency-Key"]);
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
