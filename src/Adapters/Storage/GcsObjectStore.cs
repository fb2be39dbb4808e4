using System.Globalization;
using System.Net;
using Google.Apis.Storage.v1;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.Storage;
using Orchestration.Adapters.Google;
using StorageObject = Google.Apis.Storage.v1.Data.Object;

namespace Orchestration.Adapters.Storage;

/// <summary><see cref="IObjectStore"/> over Google.Cloud.Storage.V1 (the Cloud Storage JSON API v1).</summary>
/// <remarks>
/// Calls per operation: put-if-absent and put are one resumable session POST plus one PUT per
/// <see cref="GcsOptions.ResumableChunkBytes"/> chunk (the library has no single-request upload);
/// put-if-absent of an existing object stops at the session POST (412); get is one <c>GET ?alt=media</c>;
/// metadata one GET; custom time one PATCH (plus one GET when GCS refuses to move it backwards);
/// list one GET per page; delete one DELETE; delete by prefix one list per page and one DELETE per
/// object, guarded by the listed generation. Retries (Google README, "Retries"): the library's retry
/// options, timed by <see cref="GoogleHttpOptions"/>, on the calls that are idempotent (reads, lists,
/// generation-guarded deletes, the custom-time patch: it sets an absolute value), never on a plain delete;
/// the library resumes failed upload chunks; <see cref="GcsTransportRetry"/> adds what the library leaves
/// unretried (transport failures, the session POST, media GETs).
/// </remarks>
public sealed class GcsObjectStore : IObjectStore, IDisposable
{
    /// <summary>Name of the HTTP client the library's JSON and upload calls go through (decompressing).</summary>
    public const string HttpClientName = "google-storage";

    /// <summary>Name of the HTTP client the library asks for without decompression (its raw downloads).</summary>
    public const string RawHttpClientName = "google-storage-raw";

    private const string DefaultContentType = "application/octet-stream";

    // A 412 on a guarded delete means the object was written again after it was listed: delete the newer one.
    private const int DeleteRounds = 5;

    private readonly StorageClient _client;
    private readonly GcsOptions _options;
    private readonly RetryOptions _idempotent;
    private readonly ILogger<GcsObjectStore> _logger;

    /// <summary>Builds the storage client over the project's credential and HTTP handlers.</summary>
    /// <param name="handlers">Holds the named clients <see cref="HttpClientName"/> and <see cref="RawHttpClientName"/>.</param>
    /// <param name="tokens">The Google access token source (credential mode of <see cref="GoogleCredentialOptions"/>).</param>
    /// <param name="options">Bucket, base URL and chunk size.</param>
    /// <param name="http">Retry and timeout settings.</param>
    /// <param name="logger">Logger.</param>
    public GcsObjectStore(
        IHttpMessageHandlerFactory handlers,
        IGoogleAccessTokenSource tokens,
        IOptions<GcsOptions> options,
        IOptions<GoogleHttpOptions> http,
        ILogger<GcsObjectStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        _options = options.Value;
        _logger = logger;
        var httpOptions = http.Value;
        _idempotent = httpOptions.MaxRetryAttempts == 0
            ? RetryOptions.Never
            : new RetryOptions(
                new RetryTiming(httpOptions.BaseDelay, TimeSpan.FromTicks(Math.Max(httpOptions.BaseDelay.Ticks, httpOptions.MaxDelay.Ticks)), 2.0),
                RetryPredicate.RetriableIdempotentErrors);
        _client = new StorageClientBuilder
        {
            BaseUri = $"{_options.BaseUrl.ToString().TrimEnd('/')}/storage/v1/",
            Credential = new TokenSourceCredential(tokens),
            HttpClientFactory = new GcsHttpClientFactory(handlers, httpOptions),
        }.Build();
    }

    /// <inheritdoc />
    public async Task<PutIfAbsentResult> PutIfAbsentAsync(string name, Stream content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var metadata = await UploadAsync(name, content, contentType, ifAbsent: true, cancellationToken);
            return new PutIfAbsentResult(true, metadata);
        }
        catch (CloudServiceException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            _logger.ObjectAlreadyExists(name);
            return new PutIfAbsentResult(false, null);
        }
    }

    /// <inheritdoc />
    public Task<ObjectMetadata> PutAsync(string name, Stream content, string? contentType = null, CancellationToken cancellationToken = default) =>
        UploadAsync(name, content, contentType, ifAbsent: false, cancellationToken);

    /// <inheritdoc />
    public async Task<ObjectContent?> GetAsync(string name, long? generation = null, CancellationToken cancellationToken = default)
    {
        ObjectNames.Validate(name);

        // StorageClient.DownloadObjectAsync only copies into a stream and tells the generation after the
        // last byte; the port hands out a stream at once. So the generated objects.get request (alt=media)
        // goes through the library's HTTP client (credential, handlers) and its body is streamed.
        var request = _client.Service.Objects.Get(_options.Bucket, name);
        request.Alt = StorageBaseServiceRequest<StorageObject>.AltEnum.Media;
        request.Generation = generation;
        using var message = request.CreateRequest();
        var response = await GcsErrors.RunAsync(
            $"GET {name}",
            () => _client.Service.HttpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken),
            cancellationToken);
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                response.Dispose();
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw await GcsErrors.FromResponseAsync(_client.Service, response, $"GET {name}");
            }

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
        try
        {
            var found = await GcsErrors.RunAsync(
                $"GET {name}",
                () => _client.GetObjectAsync(_options.Bucket, name, new GetObjectOptions { RetryOptions = _idempotent }, cancellationToken),
                cancellationToken);
            return Map(found);
        }
        catch (CloudServiceException ex) when (ex.IsNotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<ObjectMetadata?> SetCustomTimeAsync(string name, DateTimeOffset customTime, CancellationToken cancellationToken = default)
    {
        ObjectNames.Validate(name);
        var patch = new StorageObject { Bucket = _options.Bucket, Name = name, CustomTimeDateTimeOffset = customTime };
        try
        {
            // Retried although not preconditioned: it sets an absolute value, so a repeat changes nothing more.
            var updated = await GcsErrors.RunAsync(
                $"PATCH {name}",
                () => _client.PatchObjectAsync(patch, new PatchObjectOptions { RetryOptions = _idempotent }, cancellationToken),
                cancellationToken);
            return Map(updated);
        }
        catch (CloudServiceException ex) when (ex.IsNotFound)
        {
            return null;
        }
        catch (CloudServiceException ex) when (ex.Status == (int)HttpStatusCode.BadRequest)
        {
            // GCS refuses to move customTime backwards; a later value already there is the refresh we wanted.
            var current = await GetMetadataAsync(name, cancellationToken);
            if (current is null || current.CustomTime >= customTime)
            {
                return current;
            }

            throw;
        }
    }

    /// <inheritdoc />
    public async Task<ObjectPage> ListAsync(string prefix, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var options = new ListObjectsOptions
        {
            PageSize = Math.Clamp(pageSize ?? _options.ListPageSize, 1, 1000),
            PageToken = pageToken,
            RetryOptions = _idempotent,
        };
        var page = await GcsErrors.RunAsync(
            $"LIST {prefix}",
            async () =>
            {
                // One raw response is one objects.list call: exactly one page, as the port promises.
                await using var pages = _client.ListObjectsAsync(_options.Bucket, prefix, options).AsRawResponses().GetAsyncEnumerator(cancellationToken);
                return await pages.MoveNextAsync() ? pages.Current : null;
            },
            cancellationToken);
        var items = page?.Items?.Select(Map).ToList() ?? [];
        return new ObjectPage(items, string.IsNullOrEmpty(page?.NextPageToken) ? null : page.NextPageToken);
    }

    /// <inheritdoc />
    /// <remarks>Unguarded, so the library does not retry it (a repeat could delete a newer generation).</remarks>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        ObjectNames.Validate(name);
        return await DeleteAsync(name, new DeleteObjectOptions(), cancellationToken);
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
                    if (await DeleteGenerationAsync(item.Name, item.Generation, ct))
                    {
                        Interlocked.Increment(ref deleted);
                    }
                });
            token = page.NextPageToken;
        }
        while (token is not null);

        return deleted;
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private static ObjectMetadata Map(StorageObject o) => new(
        o.Name ?? string.Empty,
        (long)(o.Size ?? 0),
        o.Generation ?? 0,
        o.ContentType ?? DefaultContentType,
        o.UpdatedDateTimeOffset ?? DateTimeOffset.MinValue,
        o.CustomTimeDateTimeOffset);

    private async Task<ObjectMetadata> UploadAsync(string name, Stream content, string? contentType, bool ifAbsent, CancellationToken cancellationToken)
    {
        ObjectNames.Validate(name);
        ArgumentNullException.ThrowIfNull(content);

        // The library treats a seekable stream as starting at 0 (length and resends); a partly read one is uploaded from where it stands.
        var source = content.CanSeek && content.Position != 0 ? new ForwardOnlyStream(content) : content;
        var options = new UploadObjectOptions
        {
            ChunkSize = _options.ResumableChunkBytes,
            IfGenerationMatch = ifAbsent ? 0 : null,
        };
        var uploaded = await GcsErrors.RunAsync(
            $"UPLOAD {name}",
            () => _client.UploadObjectAsync(_options.Bucket, name, contentType ?? DefaultContentType, source, options, cancellationToken),
            cancellationToken);
        return Map(uploaded);
    }

    /// <summary>Deletes the listed generation; if it was replaced since, the newer one (a purge leaves nothing behind).</summary>
    private async Task<bool> DeleteGenerationAsync(string name, long generation, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            try
            {
                return await DeleteAsync(name, new DeleteObjectOptions { IfGenerationMatch = generation, RetryOptions = _idempotent }, cancellationToken);
            }
            catch (CloudServiceException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed && round < DeleteRounds)
            {
                if (await GetMetadataAsync(name, cancellationToken) is not { } current)
                {
                    return false;
                }

                generation = current.Generation;
            }
        }
    }

    private async Task<bool> DeleteAsync(string name, DeleteObjectOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await GcsErrors.RunAsync(
                $"DELETE {name}",
                async () =>
                {
                    await _client.DeleteObjectAsync(_options.Bucket, name, options, cancellationToken);
                    return true;
                },
                cancellationToken);
            return true;
        }
        catch (CloudServiceException ex) when (ex.IsNotFound)
        {
            return false;
        }
    }
}
