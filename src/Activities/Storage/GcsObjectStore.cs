using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Activities.Google;

namespace Orchestration.Activities.Storage;

/// <summary>
/// <see cref="IObjectStore"/> over the Cloud Storage JSON API v1 (raw REST through
/// <see cref="IHttpClientFactory"/>).
/// </summary>
/// <remarks>
/// Calls per operation: put-if-absent and put are one media upload (<c>POST /upload/...uploadType=media</c>)
/// up to <see cref="GcsOptions.ResumableThresholdBytes"/>, else one session POST plus one PUT per chunk;
/// get is one <c>GET ?alt=media</c>; metadata one GET; custom time one PATCH; list one GET per page;
/// delete one DELETE. Object names go into paths percent-encoded as one segment (<c>/</c> as <c>%2F</c>).
/// Retried on 408/429/5xx: reads, listings, deletes, custom-time patches, guarded uploads, and plain
/// puts (documented on <see cref="IObjectStore.PutAsync"/>).
/// </remarks>
/// <param name="httpClientFactory">Creates the client named <see cref="HttpClientName"/>.</param>
/// <param name="options">Bucket and upload settings.</param>
/// <param name="logger">Logger.</param>
public sealed partial class GcsObjectStore(
    IHttpClientFactory httpClientFactory,
    IOptions<GcsOptions> options,
    ILogger<GcsObjectStore> logger) : IObjectStore
{
    /// <summary>Name of the HTTP client (with the Google resilience and auth handlers).</summary>
    public const string HttpClientName = "google-storage";

    private const string DefaultContentType = "application/octet-stream";

    private readonly GcsOptions _options = options.Value;

    private HttpClient Http => httpClientFactory.CreateClient(HttpClientName);

    /// <inheritdoc />
    public async Task<PutIfAbsentResult> PutIfAbsentAsync(string name, Stream content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var metadata = await UploadAsync(name, content, contentType ?? DefaultContentType, ifAbsent: true, cancellationToken);
            return new PutIfAbsentResult(true, metadata);
        }
        catch (CloudServiceException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            logger.ObjectAlreadyExists(name);
            return new PutIfAbsentResult(false, null);
        }
    }

    /// <inheritdoc />
    public Task<ObjectMetadata> PutAsync(string name, Stream content, string? contentType = null, CancellationToken cancellationToken = default) =>
        UploadAsync(name, content, contentType ?? DefaultContentType, ifAbsent: false, cancellationToken);

    /// <inheritdoc />
    public async Task<ObjectContent?> GetAsync(string name, long? generation = null, CancellationToken cancellationToken = default)
    {
        ObjectNames.Validate(name);
        var url = ObjectUrl(name) + "?alt=media"
            + (generation is { } g ? "&generation=" + g.ToString(CultureInfo.InvariantCulture) : string.Empty);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        var response = await GoogleRequests.SendAsync(Http, request, retryable: true, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                response.Dispose();
                return null;
            }

            await GoogleRequests.EnsureSuccessAsync(response, cancellationToken);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var served = response.Headers.TryGetValues("x-goog-generation", out var values)
                && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : generation ?? 0;
            return new ObjectContent(stream, served, response.Content.Headers.ContentLength, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<ObjectMetadata?> GetMetadataAsync(string name, CancellationToken cancellationToken = default)
    {
        ObjectNames.Validate(name);
        using var request = new HttpRequestMessage(HttpMethod.Get, ObjectUrl(name));
        using var response = await GoogleRequests.SendAsync(Http, request, retryable: true, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await GoogleRequests.EnsureSuccessAsync(response, cancellationToken);
        return ParseObject(await GoogleRequests.ReadJsonAsync(response, cancellationToken));
    }

    /// <inheritdoc />
    public async Task<ObjectMetadata?> SetCustomTimeAsync(string name, DateTimeOffset customTime, CancellationToken cancellationToken = default)
    {
        ObjectNames.Validate(name);
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["customTime"] = FormatTime(customTime) });
        using var request = new HttpRequestMessage(HttpMethod.Patch, ObjectUrl(name))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        using var response = await GoogleRequests.SendAsync(Http, request, retryable: true, HttpCompletionOption.ResponseContentRead, cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.NotFound:
                return null;
            case HttpStatusCode.BadRequest:
                // GCS refuses to move customTime backwards; a later value already there is the refresh we wanted.
                var current = await GetMetadataAsync(name, cancellationToken);
                if (current is null || current.CustomTime >= customTime)
                {
                    return current;
                }

                throw await GoogleRequests.ReadErrorAsync(response, cancellationToken);
            default:
                await GoogleRequests.EnsureSuccessAsync(response, cancellationToken);
                return ParseObject(await GoogleRequests.ReadJsonAsync(response, cancellationToken));
        }
    }

    /// <inheritdoc />
    public async Task<ObjectPage> ListAsync(string prefix, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var size = Math.Clamp(pageSize ?? _options.ListPageSize, 1, 1000);
        var url = $"{BucketUrl()}/o?prefix={Uri.EscapeDataString(prefix)}&maxResults={size.ToString(CultureInfo.InvariantCulture)}"
            + (pageToken is null ? string.Empty : "&pageToken=" + Uri.EscapeDataString(pageToken));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await GoogleRequests.SendAsync(Http, request, retryable: true, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await GoogleRequests.EnsureSuccessAsync(response, cancellationToken);
        var json = await GoogleRequests.ReadJsonAsync(response, cancellationToken);
        var items = json.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(ParseObject).ToList()
            : [];
        var next = json.TryGetProperty("nextPageToken", out var token) ? token.GetString() : null;
        return new ObjectPage(items, string.IsNullOrEmpty(next) ? null : next);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        ObjectNames.Validate(name);
        using var request = new HttpRequestMessage(HttpMethod.Delete, ObjectUrl(name));
        using var response = await GoogleRequests.SendAsync(Http, request, retryable: true, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await GoogleRequests.EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task<int> DeleteByPrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var deleted = 0;
        string? token = null;
        do
        {
            var page = await ListAsync(prefix, token, cancellationToken: cancellationToken);
            await Parallel.ForEachAsync(
                page.Items,
                new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (item, ct) =>
                {
                    if (await DeleteAsync(item.Name, ct))
                    {
                        Interlocked.Increment(ref deleted);
                    }
                });
            token = page.NextPageToken;
        }
        while (token is not null);

        return deleted;
    }

    internal static ObjectMetadata ParseObject(JsonElement json) => new(
        json.GetProperty("name").GetString() ?? string.Empty,
        ReadInt64(json, "size"),
        ReadInt64(json, "generation"),
        json.TryGetProperty("contentType", out var type) ? type.GetString() ?? DefaultContentType : DefaultContentType,
        json.TryGetProperty("updated", out var updated) ? ParseTime(updated.GetString()) ?? DateTimeOffset.MinValue : DateTimeOffset.MinValue,
        json.TryGetProperty("customTime", out var custom) ? ParseTime(custom.GetString()) : null);

    private static long ReadInt64(JsonElement json, string property) =>
        !json.TryGetProperty(property, out var value) ? 0
        : value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture)
        : value.GetInt64();

    private static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private string BucketUrl() => $"{_options.BaseUrl.ToString().TrimEnd('/')}/storage/v1/b/{Uri.EscapeDataString(_options.Bucket)}";

    private string ObjectUrl(string name) => $"{BucketUrl()}/o/{Uri.EscapeDataString(name)}";

    private string UploadUrl(string uploadType, string name, bool ifAbsent) =>
        $"{_options.BaseUrl.ToString().TrimEnd('/')}/upload/storage/v1/b/{Uri.EscapeDataString(_options.Bucket)}/o"
        + $"?uploadType={uploadType}&name={Uri.EscapeDataString(name)}"
        + (ifAbsent ? "&ifGenerationMatch=0" : string.Empty);
}
