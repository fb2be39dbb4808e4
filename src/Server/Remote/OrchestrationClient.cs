using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestration.Api;
using Orchestration.Domain;
using Orchestration.Workflows.Service;

namespace Orchestration.Server.Remote;

/// <summary>The HTTP API of a standalone server or the Functions app, as the remote commands use it.</summary>
/// <remarks>Lookups answer null for 404; every other error answer throws <see cref="OrchestrationApiException"/>
/// carrying the problem details. Routes are relative to the base URL, so a path base (a Functions app behind a
/// gateway) is kept. The key travels only in the <c>x-functions-key</c> header and is never printed.</remarks>
internal sealed class OrchestrationClient : IBatchSource, IDisposable
{
    public const string KeyHeader = "x-functions-key";

    /// <summary>The longest <c>?wait=</c> asked for (the server's default bound).</summary>
    private const int MaxWaitSeconds = 60;

    private static JsonSerializerOptions Json => ServerJson.Web;
    private readonly HttpClient _http;

    /// <param name="baseUrl">The server, e.g. <c>http://127.0.0.1:8080</c>.</param>
    /// <param name="key">The API key, or null.</param>
    public OrchestrationClient(Uri baseUrl, string? key)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        BaseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

        // One client for the life of the command; uploads of large bundles get more than the 100 s default.
        _http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = BaseUrl,
            Timeout = TimeSpan.FromMinutes(10),
        };
        if (key is { Length: > 0 })
        {
            _http.DefaultRequestHeaders.Add(KeyHeader, key);
        }
    }

    public Uri BaseUrl { get; }

    public void Dispose() => _http.Dispose();

    /// <summary><c>PUT /api/inputs/{sha256}</c>: stores a bundle (put-if-absent, so "already there" is success).</summary>
    public async Task PutBundleAsync(string sha256, string gzipPath, CancellationToken cancellationToken = default)
    {
        await using var file = File.OpenRead(gzipPath);
        using var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        content.Headers.ContentLength = file.Length;
        using var response = await _http.PutAsync($"api/inputs/{sha256}", content, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.Conflict))
        {
            throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>POST /api/batches?dryRun=true</c>: plans a batch; the server starts and stores nothing.</summary>
    /// <returns>The plan's JSON.</returns>
    /// <remarks>A server from before dry runs would ignore the parameter and submit the batch, so the OpenAPI document
    /// is read first, and nothing is sent unless it lists the parameter.</remarks>
    /// <exception cref="NotSupportedException">The server does not know dry runs.</exception>
    public async Task<string> PlanAsync(byte[] document, CancellationToken cancellationToken = default)
    {
        using (var openApi = await _http.GetAsync("api/openapi.json", cancellationToken).ConfigureAwait(false))
        {
            await EnsureAsync(openApi, cancellationToken).ConfigureAwait(false);
            if (!(await openApi.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Contains("\"dryRun\"", StringComparison.Ordinal))
            {
                throw new NotSupportedException($"{BaseUrl} does not offer dry runs (an older version); nothing was sent.");
            }
        }

        using var content = new ByteArrayContent(document);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync("api/batches?dryRun=true", content, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /api/batches</c>: submits (or finds again) a batch.</summary>
    /// <returns>Its links, whether this call created it, and its status.</returns>
    public async Task<SubmitAnswer> SubmitAsync(byte[] document, CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent(document);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync("api/batches", content, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var links = JsonSerializer.Deserialize(text, Json.Info<Links>())
            ?? throw new OrchestrationApiException(response.StatusCode, null, "an empty answer to the submission");
        var node = JsonNode.Parse(text);

        // A server before "created" answered only links, and only for new or identical batches: count it as new.
        var created = node?["created"]?.GetValue<bool>() ?? true;
        var status = node?["status"]?.GetValue<string>() ?? "pending";
        return new SubmitAnswer(links, created, status);
    }

    /// <inheritdoc />
    public async Task<BatchStatusDocument?> GetStatusAsync(string batchId, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(Batch(batchId), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(Json.Info<BatchStatusDocument>(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The status endpoint's asynchronous request-reply contract: 202 while the batch runs (whatever the
    /// document says), 200 once it has ended; <c>Retry-After</c> is the server's pace, and <c>?wait=</c> makes the
    /// server answer as soon as the status changes within that time.</remarks>
    public async Task<BatchPoll?> PollAsync(string batchId, TimeSpan? wait, CancellationToken cancellationToken = default)
    {
        var query = wait is { } time ? "?wait=" + Math.Clamp((int)Math.Ceiling(time.TotalSeconds), 1, MaxWaitSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        using var response = await _http.GetAsync(Batch(batchId) + query, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        var status = await response.Content.ReadFromJsonAsync(Json.Info<BatchStatusDocument>(), cancellationToken).ConfigureAwait(false)
            ?? throw new OrchestrationApiException(response.StatusCode, null, "an empty status document");

        // 200 from a server before the 202 contract answered for running batches too: the document then decides.
        var ended = response.StatusCode != HttpStatusCode.Accepted && BatchWatcher.IsFinished(status);
        return new BatchPoll(status, ended, response.Headers.RetryAfter?.Delta);
    }

    /// <summary>The status document as the server wrote it (with its links).</summary>
    public async Task<string?> GetStatusJsonAsync(string batchId, CancellationToken cancellationToken = default) =>
        await GetTextAsync(Batch(batchId), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<ReadOnlyMemory<byte>?> GetResultsAsync(string batchId, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(Batch(batchId) + "/results", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One results version (<c>?version=</c>): the aggregate, or null when there is no such version, and
    /// whether it is still being judged (202; then the server's Retry-After).</summary>
    public async Task<(ReadOnlyMemory<byte>? Aggregate, TimeSpan? Pending)> GetResultsVersionAsync(string batchId, int version, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(Batch(batchId) + "/results?version=" + version.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, null);
        }

        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            return (null, response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }

        return (await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary><c>POST /api/batches/{id}/rejudge</c>: the results version the rejudge will write.</summary>
    public async Task<int> RejudgeAsync(string batchId, byte[] rules, CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent(rules);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(Batch(batchId) + "/rejudge", content, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        var node = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return node?["version"]?.GetValue<int>() ?? throw new OrchestrationApiException(response.StatusCode, null, "an answer to the rejudge without its version");
    }

    /// <summary><c>POST /api/batches/{id}/rerun</c> with an <c>Idempotency-Key</c> (a retried request answers the same
    /// rerun): the results version the rerun will write and the runs it runs again.</summary>
    public async Task<(int Version, int Runs)> RerunAsync(string batchId, IReadOnlyList<string>? outcomes, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, Batch(batchId) + "/rerun");
        if (outcomes is { Count: > 0 })
        {
            message.Content = new StringContent(new JsonObject { ["outcomes"] = new JsonArray([.. outcomes.Select(o => JsonValue.Create(o))]) }.ToJsonString(), Encoding.UTF8, "application/json");
        }

        message.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        var node = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return (node?["version"]?.GetValue<int>() ?? throw new OrchestrationApiException(response.StatusCode, null, "an answer to the rerun without its version"),
            node["runs"]?.GetValue<int>() ?? 0);
    }

    /// <summary>The aggregate as CSV (one row per task and a total row), or null until it exists.</summary>
    public Task<string?> GetResultsCsvAsync(string batchId, CancellationToken cancellationToken = default) =>
        GetTextAsync(Batch(batchId) + "/results?format=csv", cancellationToken);

    /// <summary>One page of run rows (<c>format=json</c>).</summary>
    public Task<ListingPage> GetRunsPageAsync(string batchId, RunFilter filter, string? continuationToken, CancellationToken cancellationToken = default) =>
        GetPageAsync(Batch(batchId) + "/runs" + filter.Query("json", continuationToken), cancellationToken);

    /// <summary>One page of runs judged after <paramref name="after"/> (jsonl or csv text) and the cursor to ask from next.</summary>
    public async Task<(string Body, string Next)> GetJudgedRunsAsync(string batchId, RunFilter filter, string format, string after, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(Batch(batchId) + "/runs" + filter.JudgedQuery(format, after), cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        var next = response.Headers.TryGetValues("Next-Cursor", out var values) ? values.FirstOrDefault() : null;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return (body, next ?? throw new OrchestrationApiException(response.StatusCode, null, "The server sent no Next-Cursor header: it cannot follow runs."));
    }

    /// <summary>Every matching run row as CSV, streamed (the server follows its own pages).</summary>
    /// <returns>The open response; dispose it.</returns>
    public async Task<HttpResponseMessage> OpenRunsCsvAsync(string batchId, RunFilter filter, CancellationToken cancellationToken = default)
    {
        var response = await _http.GetAsync(Batch(batchId) + "/runs" + filter.Query("csv", null), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>An artifact of a run's last attempt, streamed; null when the run left none of that name.</summary>
    /// <returns>The open response; dispose it.</returns>
    public async Task<HttpResponseMessage?> OpenArtifactAsync(string batchId, string taskId, int runIndex, string name, CancellationToken cancellationToken = default)
    {
        var uri = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Batch(batchId)}/runs/{Uri.EscapeDataString(taskId)}/{runIndex}/artifacts/{Uri.EscapeDataString(name)}");
        var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return null;
        }

        try
        {
            await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary><c>POST /api/batches/{id}/cancel</c>.</summary>
    public async Task CancelAsync(string batchId, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsync(Batch(batchId) + "/cancel", content: null, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /api/batches/{id}</c>: the purge runs in the background.</summary>
    public async Task PurgeAsync(string batchId, CancellationToken cancellationToken = default)
    {
        using var response = await _http.DeleteAsync(Batch(batchId), cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of <c>GET /api/batches</c>.</summary>
    /// <param name="statuses">Comma-separated statuses, or null for all.</param>
    /// <param name="continuationToken">Where the last page stopped.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<ListingPage> ListAsync(string? statuses, string? continuationToken, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (statuses is { Length: > 0 })
        {
            query.Add("status=" + Uri.EscapeDataString(statuses));
        }

        if (continuationToken is not null)
        {
            query.Add("continuationToken=" + Uri.EscapeDataString(continuationToken));
        }

        return GetPageAsync("api/batches" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), cancellationToken);
    }

    /// <summary><c>GET /api/compare</c>: batch B against batch A, as the server wrote it (JSON).</summary>
    /// <param name="a">A's id.</param>
    /// <param name="b">B's id.</param>
    /// <param name="map">taskA:taskB pairs, or null.</param>
    /// <param name="detectableDifference">The difference to size runs for, or null for the server's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <remarks>404 (unknown batch) and 409 (not finished) throw like every other error: both name which batch.</remarks>
    public async Task<string> CompareAsync(string a, string b, string? map, double? detectableDifference, CancellationToken cancellationToken = default)
    {
        var query = $"api/compare?a={Uri.EscapeDataString(a)}&b={Uri.EscapeDataString(b)}";
        if (map is { Length: > 0 })
        {
            query += "&map=" + Uri.EscapeDataString(map);
        }

        if (detectableDifference is { } mde)
        {
            query += "&mde=" + mde.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }

        using var response = await _http.GetAsync(query, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Batch(string batchId) => "api/batches/" + Uri.EscapeDataString(batchId);

    private async Task<string?> GetTextAsync(string uri, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<ListingPage> GetPageAsync(string uri, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        var items = document.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
        var token = document.RootElement.TryGetProperty("continuationToken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        return new ListingPage(items, token);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<OrchestrationApiException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (JsonNode.Parse(text) is JsonObject node && node.ContainsKey("title") && node.ContainsKey("status"))
            {
                return new OrchestrationApiException(response.StatusCode, node.Deserialize(Json.Info<ApiProblem>()), null);
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page, a crash): shown as text below.
        }

        var start = text.Length <= 500 ? text : text[..500] + "...";
        return new OrchestrationApiException(response.StatusCode, null, start.Length == 0 ? response.ReasonPhrase : start);
    }
}
