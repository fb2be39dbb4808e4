using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestration.Fakes;

/// <summary>
/// Base of the loopback fakes: Kestrel on 127.0.0.1 with a free port, one catch-all handler that sees
/// the raw request target (so percent-encoded names arrive exactly as sent), per-endpoint call counts
/// and fault injection.
/// </summary>
public abstract class LoopbackServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _randomLock = new();
    private WebApplication? _app;
    private Random _random;
    private int _seed;

    /// <summary>Creates the server (not started).</summary>
    /// <param name="timeProvider">Clock of the fake's resources; system clock when null.</param>
    protected LoopbackServer(TimeProvider? timeProvider)
    {
        Time = timeProvider ?? TimeProvider.System;
        _seed = Faults.Seed;
        _random = new Random(_seed);
    }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:45123</c>.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1");

    /// <summary>When set, requests without <c>Authorization: Bearer {token}</c> get 401 UNAUTHENTICATED.</summary>
    public string? RequiredBearerToken { get; set; }

    /// <summary>Faults to inject.</summary>
    public FaultSettings Faults { get; } = new();

    /// <summary>Calls per endpoint since start (or the last <see cref="ResetCounts"/>).</summary>
    public IReadOnlyDictionary<string, int> CallCounts => new Dictionary<string, int>(_calls, StringComparer.Ordinal);

    /// <summary>Total calls since start (or the last reset).</summary>
    public int TotalCalls => _calls.Values.Sum();

    /// <summary>Clock of the fake's resources.</summary>
    protected TimeProvider Time { get; }

    /// <summary>Calls of one endpoint.</summary>
    /// <param name="endpoint">Endpoint name, e.g. <c>jobs.run</c>.</param>
    /// <returns>The count.</returns>
    public int Calls(string endpoint) => _calls.TryGetValue(endpoint, out var count) ? count : 0;

    /// <summary>Forgets the call counts.</summary>
    public void ResetCounts() => _calls.Clear();

    /// <summary>Starts listening.</summary>
    /// <returns>A task.</returns>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = null);
        _app = builder.Build();
        _app.Run(DispatchAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Handles one request; <paramref name="path"/> are the decoded segments of the raw path.</summary>
    /// <param name="context">The request.</param>
    /// <param name="path">Decoded path segments.</param>
    /// <param name="query">Decoded query parameters.</param>
    /// <returns>A task.</returns>
    protected abstract Task HandleAsync(HttpContext context, IReadOnlyList<string> path, IReadOnlyDictionary<string, string> query);

    /// <summary>Counts the call and applies the faults; false when a fault already answered.</summary>
    /// <param name="context">The request.</param>
    /// <param name="endpoint">Endpoint name.</param>
    /// <returns>True to go on and serve the request.</returns>
    protected async Task<bool> EnterAsync(HttpContext context, string endpoint)
    {
        _calls.AddOrUpdate(endpoint, 1, (_, c) => c + 1);
        if (Faults.AppliesTo is { } applies && !applies(endpoint))
        {
            return true;
        }

        if (Faults.Hold is { } hold)
        {
            await hold(endpoint, context.RequestAborted);
        }

        if (Faults.AnswerNotFound)
        {
            await ErrorAsync(context, 404, "NOT_FOUND", "Resource was not found (injected fault).");
            return false;
        }

        var roll = Roll();
        var threshold = Faults.ThrottleFraction;
        if (roll < threshold)
        {
            await ErrorWithRetryAfterAsync(context, 429, "RESOURCE_EXHAUSTED", "Quota exceeded (injected fault).");
            return false;
        }

        if (roll < (threshold += Faults.UnavailableFraction))
        {
            await ErrorWithRetryAfterAsync(context, 503, "UNAVAILABLE", "The service is currently unavailable (injected fault).");
            return false;
        }

        if (roll < (threshold += Faults.HangFraction))
        {
            await HangAsync(context);
            return false;
        }

        if (roll < threshold + Faults.SlowFraction)
        {
            await Task.Delay(Faults.SlowDelay, context.RequestAborted);
        }

        return true;
    }

    /// <summary>A seeded random number in [0, 1).</summary>
    /// <returns>The number.</returns>
    protected double Roll()
    {
        lock (_randomLock)
        {
            if (_seed != Faults.Seed)
            {
                _seed = Faults.Seed;
                _random = new Random(_seed);
            }

            return _random.NextDouble();
        }
    }

    /// <summary>Never answers: waits until the client aborts or the fake stops.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task.</returns>
    protected async Task HangAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, linked.Token);
        }
        catch (OperationCanceledException)
        {
            context.Abort();
        }
    }

    /// <summary>
    /// Whether error bodies carry the gRPC-style <c>status</c> string. The Cloud Run Admin API v2 (a
    /// One Platform API) writes it; the Cloud Storage JSON API does not: its errors are
    /// <c>{"error":{"code","message","errors":[{"message","domain","reason"}]}}</c>, so a client that
    /// needs the status string from a GCS error would work against a fake and fail against GCS.
    /// </summary>
    protected virtual bool ErrorsCarryStatus => true;

    /// <summary>Writes a Google JSON error in this API's shape (see <see cref="ErrorsCarryStatus"/>).</summary>
    /// <param name="context">The request.</param>
    /// <param name="status">HTTP status.</param>
    /// <param name="code">gRPC-style status string (written only where the API writes it).</param>
    /// <param name="message">Message.</param>
    /// <param name="reason">JSON-API style reason in <c>errors[0].reason</c>, if any.</param>
    /// <returns>A task.</returns>
    protected Task ErrorAsync(HttpContext context, int status, string code, string message, string? reason = null)
    {
        var error = new JsonObject { ["code"] = status, ["message"] = message };
        if (ErrorsCarryStatus)
        {
            error["status"] = code;
        }

        if (reason is not null)
        {
            error["errors"] = new JsonArray(new JsonObject { ["message"] = message, ["domain"] = "global", ["reason"] = reason });
        }

        return JsonAsync(context, new JsonObject { ["error"] = error }, status);
    }

    /// <summary>Writes a JSON body.</summary>
    /// <param name="context">The request.</param>
    /// <param name="body">The body.</param>
    /// <param name="status">HTTP status.</param>
    /// <returns>A task.</returns>
    protected static async Task JsonAsync(HttpContext context, JsonNode body, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, context.RequestAborted);
    }

    /// <summary>Reads the request body as JSON (null when empty).</summary>
    /// <param name="context">The request.</param>
    /// <returns>The body.</returns>
    protected static async Task<JsonNode?> ReadJsonAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    /// <summary>RFC 3339 UTC with microseconds, as Google writes timestamps.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The text.</returns>
    protected static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private Task ErrorWithRetryAfterAsync(HttpContext context, int status, string code, string message)
    {
        if (Faults.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return ErrorAsync(context, status, code, message);
    }

    private async Task DispatchAsync(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var queryStart = raw.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? raw : raw[..queryStart];
        var path = rawPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToList();
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (queryStart >= 0)
        {
            foreach (var pair in raw[(queryStart + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
                query[key] = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            }
        }

        if (RequiredBearerToken is { } required && context.Request.Headers.Authorization.ToString() != "Bearer " + required)
        {
            _calls.AddOrUpdate("unauthenticated", 1, (_, c) => c + 1);
            await ErrorAsync(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
            return;
        }

        try
        {
            await HandleAsync(context, path, query);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // The client went away (timeout) or the fake is stopping.
        }
        catch (JsonException ex)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", ex.Message);
        }
    }
}
