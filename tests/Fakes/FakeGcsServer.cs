using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Orchestration.Fakes;

/// <summary>
/// Loopback fake of the Cloud Storage JSON API v1 for one bucket: media and resumable uploads (308 +
/// Range, the final <c>X-Goog-Hash</c> CRC32C checked), <c>ifGenerationMatch</c> (412
/// <c>conditionNotMet</c>), metadata, <c>alt=media</c> downloads with <c>x-goog-generation</c> and
/// <c>x-goog-hash</c>, listing with <c>pageToken</c>, delete, PATCH of <c>customTime</c> (never
/// backwards). Request bodies may be gzipped (<c>Content-Encoding: gzip</c>, as Google.Cloud.Storage.V1
/// sends its JSON). Object names must arrive as one percent-encoded path segment, as in GCS: an
/// unencoded slash yields 404. int64 fields are strings.
/// </summary>
/// <remarks>
/// Endpoint names for <see cref="LoopbackServer.Calls"/> and <see cref="FaultSettings.AppliesTo"/>:
/// <c>objects.insert</c>, <c>objects.insert.resumable</c>, <c>objects.upload.chunk</c>, <c>objects.get</c>,
/// <c>objects.download</c>, <c>objects.list</c>, <c>objects.delete</c>, <c>objects.patch</c>.
/// </remarks>
public sealed class FakeGcsServer : LoopbackServer
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, FakeGcsObject> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UploadSession> _sessions = new(StringComparer.Ordinal);
    private long _generation = 1_700_000_000_000_000;

    /// <summary>Creates the fake (call <see cref="LoopbackServer.StartAsync"/>).</summary>
    /// <param name="bucket">The one bucket it serves.</param>
    /// <param name="timeProvider">Clock for timestamps.</param>
    public FakeGcsServer(string bucket = "test-bucket", TimeProvider? timeProvider = null)
        : base(timeProvider)
    {
        Bucket = bucket;
    }

    /// <summary>The bucket served.</summary>
    public string Bucket { get; }

    /// <summary>The granularity of a resumable upload: every chunk but the last is a multiple of it (GCS: 256 KiB).</summary>
    public const int ChunkGranularity = 256 * 1024;

    /// <summary>
    /// Fraction of resumable chunk PUTs that store their bytes and then answer 503, so the client
    /// must ask the session where it stands instead of blindly resending.
    /// </summary>
    public double ChunkPersistThenFailFraction { get; set; }

    /// <summary>Largest page a listing returns even if more are asked (GCS: 1,000).</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>A snapshot of the live objects.</summary>
    public IReadOnlyList<FakeGcsObject> Objects
    {
        get
        {
            lock (_lock)
            {
                return [.. _objects.Values];
            }
        }
    }

    /// <summary>Reads an object as the test sees it.</summary>
    /// <param name="name">Object name.</param>
    /// <returns>The object or null.</returns>
    public FakeGcsObject? Get(string name)
    {
        lock (_lock)
        {
            return _objects.GetValueOrDefault(name);
        }
    }

    /// <summary>Writes an object directly (as the runner would).</summary>
    /// <param name="name">Object name.</param>
    /// <param name="data">Bytes.</param>
    /// <param name="contentType">Content type.</param>
    /// <returns>The stored object.</returns>
    public FakeGcsObject Put(string name, byte[] data, string contentType = "application/octet-stream")
    {
        lock (_lock)
        {
            return Store(name, data, contentType);
        }
    }

    /// <summary>Writes a UTF-8 text object directly.</summary>
    /// <param name="name">Object name.</param>
    /// <param name="text">Text.</param>
    /// <returns>The stored object.</returns>
    public FakeGcsObject PutText(string name, string text) => Put(name, Encoding.UTF8.GetBytes(text), "text/plain");

    /// <inheritdoc />
    protected override bool ErrorsCarryStatus => false;

    /// <inheritdoc/>
    protected override async Task HandleAsync(HttpContext context, IReadOnlyList<string> path, IReadOnlyDictionary<string, string> query)
    {
        if (!AcceptContentEncoding(context))
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Unsupported Content-Encoding '{context.Request.Headers.ContentEncoding}'.", "invalid");
            return;
        }

        var method = context.Request.Method;
        if (path is ["upload", "storage", "v1", "b", var ub, "o"] && ub == Bucket)
        {
            var uploadType = query.GetValueOrDefault("uploadType");
            if (method == "POST" && uploadType == "media")
            {
                if (await EnterAsync(context, "objects.insert"))
                {
                    await MediaUploadAsync(context, query);
                }

                return;
            }

            if (method == "POST" && uploadType == "resumable")
            {
                if (await EnterAsync(context, "objects.insert.resumable"))
                {
                    await StartSessionAsync(context, query);
                }

                return;
            }

            if (method == "PUT" && query.TryGetValue("upload_id", out var uploadId))
            {
                if (await EnterAsync(context, "objects.upload.chunk"))
                {
                    await ChunkAsync(context, uploadId);
                }

                return;
            }
        }
        else if (path is ["storage", "v1", "b", var lb, "o"] && lb == Bucket && method == "GET")
        {
            if (await EnterAsync(context, "objects.list"))
            {
                await ListAsync(context, query);
            }

            return;
        }
        else if (path is ["storage", "v1", "b", var ob, "o", var name] && ob == Bucket)
        {
            await ObjectAsync(context, method, name, query);
            return;
        }

        await ErrorAsync(context, 404, "NOT_FOUND", $"Not Found: {context.Request.Method} {context.Request.Path}", "notFound");
    }

    /// <summary>
    /// GCS accepts request bodies sent with <c>Content-Encoding: gzip</c> (Google.Cloud.Storage.V1 gzips its
    /// JSON bodies and cannot be told not to): the body is inflated here, before any handler reads it.
    /// </summary>
    private static bool AcceptContentEncoding(HttpContext context)
    {
        var encoding = context.Request.Headers.ContentEncoding.ToString();
        if (encoding.Length == 0 || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        context.Request.Body = new GZipStream(context.Request.Body, CompressionMode.Decompress);
        context.Request.Headers.ContentEncoding = default;
        context.Request.ContentLength = null;
        return true;
    }

    private static bool PreconditionHolds(FakeGcsObject? existing, IReadOnlyDictionary<string, string> query) =>
        !query.TryGetValue("ifGenerationMatch", out var text)
        || long.Parse(text, CultureInfo.InvariantCulture) is var wanted && (wanted == 0 ? existing is null : existing?.Generation == wanted);

    private Task PreconditionFailedAsync(HttpContext context) =>
        ErrorAsync(context, 412, "FAILED_PRECONDITION", "At least one of the pre-conditions you specified did not hold.", "conditionNotMet");

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    private async Task ObjectAsync(HttpContext context, string method, string name, IReadOnlyDictionary<string, string> query)
    {
        switch (method)
        {
            case "GET" when query.GetValueOrDefault("alt") == "media":
                if (await EnterAsync(context, "objects.download"))
                {
                    await DownloadAsync(context, name, query);
                }

                return;
            case "GET":
                if (await EnterAsync(context, "objects.get"))
                {
                    var found = Get(name);
                    await (found is null ? NotFoundAsync(context, name) : JsonAsync(context, Resource(found)));
                }

                return;
            case "DELETE":
                if (await EnterAsync(context, "objects.delete"))
                {
                    await DeleteAsync(context, name, query);
                }

                return;
            case "PATCH":
                if (await EnterAsync(context, "objects.patch"))
                {
                    await PatchAsync(context, name);
                }

                return;
            default:
                await ErrorAsync(context, 405, "INVALID_ARGUMENT", $"Method {method} not allowed.");
                return;
        }
    }

    private Task NotFoundAsync(HttpContext context, string name) =>
        ErrorAsync(context, 404, "NOT_FOUND", $"No such object: {Bucket}/{name}", "notFound");

    private async Task MediaUploadAsync(HttpContext context, IReadOnlyDictionary<string, string> query)
    {
        if (!query.TryGetValue("name", out var name) || name.Length == 0)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Required parameter: name", "required");
            return;
        }

        var data = await ReadBodyAsync(context);
        FakeGcsObject stored;
        lock (_lock)
        {
            if (!PreconditionHolds(_objects.GetValueOrDefault(name), query))
            {
                stored = null!;
            }
            else
            {
                stored = Store(name, data, context.Request.ContentType ?? "application/octet-stream");
            }
        }

        await (stored is null ? PreconditionFailedAsync(context) : JsonAsync(context, Resource(stored)));
    }

    private async Task StartSessionAsync(HttpContext context, IReadOnlyDictionary<string, string> query)
    {
        var metadata = await ReadJsonAsync(context);
        var name = query.GetValueOrDefault("name") ?? metadata?["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Required parameter: name", "required");
            return;
        }

        var contentType = context.Request.Headers["X-Upload-Content-Type"].FirstOrDefault()
            ?? metadata?["contentType"]?.GetValue<string>() ?? "application/octet-stream";
        long? precondition = query.TryGetValue("ifGenerationMatch", out var p) ? long.Parse(p, CultureInfo.InvariantCulture) : null;
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        lock (_lock)
        {
            if (!PreconditionHolds(_objects.GetValueOrDefault(name), query))
            {
                id = string.Empty;
            }
            else
            {
                _sessions[id] = new UploadSession(name, contentType, precondition);
            }
        }

        if (id.Length == 0)
        {
            await PreconditionFailedAsync(context);
            return;
        }

        context.Response.Headers.Location = $"{BaseUrl.ToString().TrimEnd('/')}/upload/storage/v1/b/{Uri.EscapeDataString(Bucket)}/o?uploadType=resumable&upload_id={id}";
        context.Response.StatusCode = 200;
    }

    private async Task ChunkAsync(HttpContext context, string uploadId)
    {
        var body = await ReadBodyAsync(context);
        var range = context.Request.Headers.ContentRange.FirstOrDefault() ?? string.Empty;
        UploadSession? session;
        lock (_lock)
        {
            session = _sessions.GetValueOrDefault(uploadId);
        }

        if (session is null)
        {
            await ErrorAsync(context, 404, "NOT_FOUND", "No such upload session.", "notFound");
            return;
        }

        if (!TryParseRange(range, out var start, out var total))
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Bad Content-Range '{range}'.", "invalid");
            return;
        }

        if (start is { } first && body.Length % ChunkGranularity != 0 && (total is not { } size || first + body.Length < size))
        {
            // GCS refuses a non-final chunk that is not a whole number of 256 KiB units and keeps nothing of it.
            await ErrorAsync(
                context,
                400,
                "INVALID_ARGUMENT",
                $"Invalid request. The number of bytes uploaded is required to be equal or greater than {ChunkGranularity}, except for the final request (it's recommended to be the exact multiple of {ChunkGranularity}). The received request contained {body.Length} bytes, which does not meet this requirement.",
                "invalid");
            return;
        }

        FakeGcsObject? finished = null;
        var failed = false;
        string? corrupt = null;
        var declaredCrc32C = DeclaredCrc32C(context.Request.Headers["X-Goog-Hash"].ToString());
        var failAfterPersist = body.Length > 0 && Roll() < ChunkPersistThenFailFraction;
        long persisted;
        lock (_lock)
        {
            if (start is { } s)
            {
                if (s > session.Data.Length)
                {
                    persisted = -1;
                }
                else
                {
                    // Bytes the session already has are skipped, as GCS does for an overlapping resend.
                    var skip = (int)(session.Data.Length - s);
                    if (skip < body.Length)
                    {
                        session.Data.Write(body, skip, body.Length - skip);
                    }

                    persisted = session.Data.Length;
                }
            }
            else
            {
                persisted = session.Data.Length;
            }

            session.Crc32C = declaredCrc32C ?? session.Crc32C;
            if (persisted >= 0 && total is { } t && persisted >= t && !failAfterPersist)
            {
                _sessions.Remove(uploadId);
                var existing = _objects.GetValueOrDefault(session.Name);
                var holds = session.IfGenerationMatch is not { } wanted || (wanted == 0 ? existing is null : existing?.Generation == wanted);
                var computed = Crc32C.ToBase64(session.Data.ToArray());
                if (session.Crc32C is { } declared && declared != computed)
                {
                    // GCS checks the client's X-Goog-Hash before it creates the object: a mismatch stores nothing.
                    corrupt = $"Provided CRC32C \"{declared}\" doesn't match calculated CRC32C \"{computed}\".";
                }
                else if (holds)
                {
                    finished = Store(session.Name, session.Data.ToArray(), session.ContentType);
                }
                else
                {
                    failed = true;
                }
            }
        }

        if (persisted < 0)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Chunk starts past the persisted bytes.", "invalid");
        }
        else if (corrupt is not null)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", corrupt, "invalid");
        }
        else if (failAfterPersist)
        {
            await ErrorAsync(context, 503, "UNAVAILABLE", "Chunk stored, answer lost (injected fault).");
        }
        else if (failed)
        {
            await PreconditionFailedAsync(context);
        }
        else if (finished is not null)
        {
            await JsonAsync(context, Resource(finished));
        }
        else
        {
            context.Response.StatusCode = 308;
            if (persisted > 0)
            {
                context.Response.Headers.Range = $"bytes=0-{(persisted - 1).ToString(CultureInfo.InvariantCulture)}";
            }
        }
    }

    /// <summary>The <c>crc32c=</c> part of an <c>X-Goog-Hash</c> header (<c>crc32c=...,md5=...</c>), if any.</summary>
    private static string? DeclaredCrc32C(string header) =>
        header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(part => part.StartsWith("crc32c=", StringComparison.Ordinal))
            .Select(part => part["crc32c=".Length..])
            .FirstOrDefault();

    private static bool TryParseRange(string header, out long? start, out long? total)
    {
        start = null;
        total = null;
        if (!header.StartsWith("bytes ", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = header[6..].Split('/');
        if (parts.Length != 2)
        {
            return false;
        }

        if (parts[1] != "*")
        {
            total = long.Parse(parts[1], CultureInfo.InvariantCulture);
        }

        if (parts[0] != "*")
        {
            start = long.Parse(parts[0].Split('-')[0], CultureInfo.InvariantCulture);
        }

        return true;
    }

    private async Task DownloadAsync(HttpContext context, string name, IReadOnlyDictionary<string, string> query)
    {
        var found = Get(name);
        if (found is null || (query.TryGetValue("generation", out var g) && long.Parse(g, CultureInfo.InvariantCulture) != found.Generation))
        {
            await NotFoundAsync(context, name);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = found.ContentType;
        context.Response.ContentLength = found.Data.Length;
        context.Response.Headers["x-goog-generation"] = found.Generation.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["x-goog-metageneration"] = found.Metageneration.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["x-goog-stored-content-length"] = found.Data.Length.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["x-goog-hash"] = $"crc32c={Crc32C.ToBase64(found.Data)},md5={Convert.ToBase64String(MD5.HashData(found.Data))}";
        await context.Response.Body.WriteAsync(found.Data, context.RequestAborted);
    }

    private async Task DeleteAsync(HttpContext context, string name, IReadOnlyDictionary<string, string> query)
    {
        int status;
        lock (_lock)
        {
            var existing = _objects.GetValueOrDefault(name);
            status = existing is null ? 404 : !PreconditionHolds(existing, query) ? 412 : 204;
            if (status == 204)
            {
                _objects.Remove(name);
            }
        }

        if (status == 204)
        {
            context.Response.StatusCode = 204;
            return;
        }

        await (status == 404 ? NotFoundAsync(context, name) : PreconditionFailedAsync(context));
    }

    private async Task PatchAsync(HttpContext context, string name)
    {
        var body = await ReadJsonAsync(context);
        var text = body?["customTime"]?.GetValue<string>();
        DateTimeOffset? customTime = text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        FakeGcsObject? updated;
        var backwards = false;
        lock (_lock)
        {
            updated = _objects.GetValueOrDefault(name);
            if (updated is not null && customTime is { } ct)
            {
                if (updated.CustomTime is { } current && ct < current)
                {
                    backwards = true;
                }
                else
                {
                    updated = updated with { CustomTime = ct, Metageneration = updated.Metageneration + 1, Updated = Time.GetUtcNow() };
                    _objects[name] = updated;
                }
            }
        }

        if (updated is null)
        {
            await NotFoundAsync(context, name);
        }
        else if (backwards)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "The customTime cannot be set to an earlier datetime.", "invalid");
        }
        else
        {
            await JsonAsync(context, Resource(updated));
        }
    }

    private async Task ListAsync(HttpContext context, IReadOnlyDictionary<string, string> query)
    {
        var prefix = query.GetValueOrDefault("prefix") ?? string.Empty;
        var size = Math.Min(MaxPageSize, query.TryGetValue("maxResults", out var m) ? int.Parse(m, CultureInfo.InvariantCulture) : 1000);
        var after = query.TryGetValue("pageToken", out var token) ? Encoding.UTF8.GetString(Convert.FromBase64String(token)) : null;
        List<FakeGcsObject> page;
        bool more;
        lock (_lock)
        {
            var matching = _objects.Values
                .Where(o => o.Name.StartsWith(prefix, StringComparison.Ordinal))
                .Where(o => after is null || string.CompareOrdinal(o.Name, after) > 0)
                .Take(size + 1)
                .ToList();
            more = matching.Count > size;
            page = matching.Take(size).ToList();
        }

        var body = new JsonObject { ["kind"] = "storage#objects" };
        if (page.Count > 0)
        {
            body["items"] = new JsonArray([.. page.Select(o => (JsonNode)Resource(o))]);
        }

        if (more)
        {
            body["nextPageToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1].Name));
        }

        await JsonAsync(context, body);
    }

    private FakeGcsObject Store(string name, byte[] data, string contentType)
    {
        var now = Time.GetUtcNow();
        var stored = new FakeGcsObject(name, data, Interlocked.Increment(ref _generation), 1, contentType, now, now, null);
        _objects[name] = stored;
        return stored;
    }

    private JsonObject Resource(FakeGcsObject o)
    {
        var generation = o.Generation.ToString(CultureInfo.InvariantCulture);
        var resource = new JsonObject
        {
            ["kind"] = "storage#object",
            ["id"] = $"{Bucket}/{o.Name}/{generation}",
            ["name"] = o.Name,
            ["bucket"] = Bucket,
            ["generation"] = generation,
            ["metageneration"] = o.Metageneration.ToString(CultureInfo.InvariantCulture),
            ["contentType"] = o.ContentType,
            ["storageClass"] = "STANDARD",
            ["size"] = o.Data.Length.ToString(CultureInfo.InvariantCulture),
            ["md5Hash"] = Convert.ToBase64String(MD5.HashData(o.Data)),
            ["crc32c"] = Crc32C.ToBase64(o.Data),
            ["etag"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(generation)),
            ["timeCreated"] = Timestamp(o.Created),
            ["updated"] = Timestamp(o.Updated),
            ["mediaLink"] = $"{BaseUrl.ToString().TrimEnd('/')}/download/storage/v1/b/{Bucket}/o/{Uri.EscapeDataString(o.Name)}?generation={generation}&alt=media",
        };
        if (o.CustomTime is { } custom)
        {
            resource["customTime"] = Timestamp(custom);
        }

        return resource;
    }

    private sealed class UploadSession(string name, string contentType, long? ifGenerationMatch)
    {
        public string Name { get; } = name;

        public string ContentType { get; } = contentType;

        public long? IfGenerationMatch { get; } = ifGenerationMatch;

        public MemoryStream Data { get; } = new();

        /// <summary>The CRC32C the client declared in <c>X-Goog-Hash</c> (sent with the last chunk), checked at finalization.</summary>
        public string? Crc32C { get; set; }
    }
}
