using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orchestration.Server.Tests;

/// <summary>A loopback HTTP endpoint that records the first webhook delivered to it (headers and body).</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();

    public WebhookReceiver()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(ListenAsync);
    }

    public string Url { get; }

    /// <summary>The first delivery: its headers, one per line, then its body.</summary>
    public TaskCompletionSource<string> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose() => _listener.Close();

    private async Task ListenAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var text = new StringBuilder();
            foreach (var name in context.Request.Headers.AllKeys)
            {
                text.Append(name).Append(": ").AppendLine(context.Request.Headers[name]);
            }

            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                text.AppendLine(await reader.ReadToEndAsync());
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
            Received.TrySetResult(text.ToString());
        }
    }
}
