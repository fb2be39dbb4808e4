using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Tests.Google;
using Orchestration.Adapters.Storage;
using Orchestration.Fakes;

namespace Orchestration.Activities.Tests.Storage;

public sealed class GcsObjectStoreTests
{
    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    private static async Task<string> ReadTextAsync(IObjectStore store, string name)
    {
        await using var content = await store.GetAsync(name) ?? throw new InvalidOperationException($"{name} missing");
        return Encoding.UTF8.GetString(await content.ReadAllBytesAsync());
    }

    [Fact]
    public async Task PutIfAbsent_SecondWrite_ReportsAlreadyThereAndKeepsFirstContent()
    {
        await using var host = await GoogleTestHost.StartAsync();

        var first = await host.Store.PutIfAbsentAsync("runs/b/n/t/0/a1/claim", Text("exec-1"), "application/json");
        var second = await host.Store.PutIfAbsentAsync("runs/b/n/t/0/a1/claim", Text("exec-2"), "application/json");

        Assert.True(first.Created);
        Assert.NotNull(first.Metadata);
        Assert.Equal("application/json", first.Metadata.ContentType);
        Assert.False(second.Created);
        Assert.Null(second.Metadata);
        Assert.Equal("exec-1", await ReadTextAsync(host.Store, "runs/b/n/t/0/a1/claim"));

        // Google.Cloud.Storage.V1 has no single-request upload: each put opens a resumable session
        // (1 POST) and sends the bytes (1 PUT); the second put stops at the session POST (412).
        Assert.Equal(2, host.Gcs.Calls("objects.insert.resumable"));
        Assert.Equal(1, host.Gcs.Calls("objects.upload.chunk"));
    }

    [Fact]
    public async Task PutIfAbsent_ParallelRace_ExactlyOneCreatesAndItsContentStays()
    {
        await using var host = await GoogleTestHost.StartAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
            (i, (await host.Store.PutIfAbsentAsync("inputs/abc.tar.gz", Text($"writer-{i}"))).Created)));

        var winners = results.Where(r => r.Created).ToList();
        Assert.Single(winners);
        Assert.Equal($"writer-{winners[0].i}", await ReadTextAsync(host.Store, "inputs/abc.tar.gz"));
    }

    [Theory]
    [InlineData("dir/with space/file.txt")]
    [InlineData("a/b/c/d/e.json")]
    [InlineData("ünïcödé/€/😀.txt")]
    [InlineData("literal%2Fpercent and +plus")]
    [InlineData("q?hash#amp&eq=")]
    public async Task Names_WithSlashesSpacesUnicode_TravelAsOnePathSegment(string name)
    {
        await using var host = await GoogleTestHost.StartAsync();

        var written = await host.Store.PutAsync(name, Text("payload"));
        var metadata = await host.Store.GetMetadataAsync(name);
        var listed = await host.Store.ListAsync(name[..1]);
        var text = await ReadTextAsync(host.Store, name);
        var deleted = await host.Store.DeleteAsync(name);

        Assert.Equal(name, metadata?.Name);
        Assert.Equal(name, Assert.Single(listed.Items).Name);
        Assert.Equal("payload", text);
        Assert.True(deleted);
        Assert.Empty(host.Gcs.Objects);
        Assert.Equal(name, written.Name);

        // The fake routes only /o/{one segment}: an unencoded slash would have been a 404, i.e. null metadata above.
    }

    [Fact]
    public async Task Put_Overwrite_NewGenerationAndOldGenerationNoLongerReadable()
    {
        await using var host = await GoogleTestHost.StartAsync();

        var v1 = await host.Store.PutAsync("spec.json", Text("{\"v\":1}"), "application/json");
        var v2 = await host.Store.PutAsync("spec.json", Text("{\"v\":2}"), "application/json");
        await using var pinnedNew = await host.Store.GetAsync("spec.json", v2.Generation);
        var pinnedOld = await host.Store.GetAsync("spec.json", v1.Generation);

        Assert.True(v2.Generation > v1.Generation);
        Assert.True(v1.Generation > int.MaxValue, "int64 generations arrive as strings and must parse beyond int32");
        Assert.NotNull(pinnedNew);
        Assert.Equal(v2.Generation, pinnedNew.Generation);
        Assert.Equal(7, pinnedNew.Length);
        Assert.Null(pinnedOld);
    }

    [Fact]
    public async Task Put_SeekableStreamPartlyRead_UploadsOnlyTheRest()
    {
        await using var host = await GoogleTestHost.StartAsync();
        var stream = new MemoryStream(Encoding.UTF8.GetBytes("skip:payload")) { Position = 5 };

        var metadata = await host.Store.PutAsync("rest.txt", stream, "text/plain");

        Assert.Equal(7, metadata.Size);
        Assert.Equal("payload", Encoding.UTF8.GetString(host.Gcs.Get("rest.txt")!.Data));
    }

    [Fact]
    public async Task Put_EmptyObject_IsOneSessionAndOneFinalPut()
    {
        await using var host = await GoogleTestHost.StartAsync();

        var metadata = await host.Store.PutAsync("runs/b/n/t/0/a1/stderr.txt", new MemoryStream());

        Assert.Equal(0, metadata.Size);
        Assert.Empty(host.Gcs.Get("runs/b/n/t/0/a1/stderr.txt")!.Data);

        // The library uploads everything through a resumable session (it has no single-request upload).
        Assert.Equal(1, host.Gcs.Calls("objects.insert.resumable"));
        Assert.Equal(1, host.Gcs.Calls("objects.upload.chunk"));
        Assert.Equal(2, host.Gcs.TotalCalls);
    }

    [Fact]
    public async Task Missing_Object_IsNullNotAnError()
    {
        await using var host = await GoogleTestHost.StartAsync();

        Assert.Null(await host.Store.GetAsync("nope"));
        Assert.Null(await host.Store.GetMetadataAsync("nope"));
        Assert.Null(await host.Store.SetCustomTimeAsync("nope", DateTimeOffset.UtcNow));
        Assert.False(await host.Store.DeleteAsync("nope"));
    }

    [Fact]
    public async Task ResumableUpload_MultiMiBNonSeekableStream_StoredIntactInChunks()
    {
        await using var host = await GoogleTestHost.StartAsync();
        var data = new byte[(5 * 1024 * 1024) + 123];
        new Random(7).NextBytes(data);

        var metadata = await host.Store.PutAsync("inputs/big.tar.gz", new NonSeekableStream(data), "application/gzip");

        Assert.Equal(data.Length, metadata.Size);
        Assert.Equal(data, host.Gcs.Get("inputs/big.tar.gz")?.Data);
        Assert.Equal(1, host.Gcs.Calls("objects.insert.resumable"));
        Assert.Equal(0, host.Gcs.Calls("objects.insert"));
        Assert.Equal((data.Length + (256 * 1024) - 1) / (256 * 1024), host.Gcs.Calls("objects.upload.chunk"));
    }

    [Fact]
    public async Task ResumableUpload_ChunksLostOrRefused_ResumesFromPersistedOffset()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Gcs.ChunkPersistThenFailFraction = 0.3;
        host.Gcs.Faults.UnavailableFraction = 0.2;
        host.Gcs.Faults.AppliesTo = e => e == "objects.upload.chunk";
        var data = new byte[(3 * 1024 * 1024) + 5];
        new Random(11).NextBytes(data);

        var result = await host.Store.PutIfAbsentAsync("inputs/flaky.tar.gz", new MemoryStream(data));

        Assert.True(result.Created);
        Assert.Equal(data, host.Gcs.Get("inputs/flaky.tar.gz")?.Data);
        Assert.True(host.Gcs.Calls("objects.upload.chunk") > 13, "faults should have forced status queries and resends");
    }

    [Fact]
    public async Task ResumableUpload_IfAbsentOnExistingObject_ReportsAlreadyThere()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Gcs.PutText("inputs/same.tar.gz", "old");

        var result = await host.Store.PutIfAbsentAsync("inputs/same.tar.gz", new MemoryStream(new byte[2 * 1024 * 1024]));

        Assert.False(result.Created);
        Assert.Equal("old", Encoding.UTF8.GetString(host.Gcs.Get("inputs/same.tar.gz")!.Data));
    }

    [Fact]
    public async Task List_Paged_ReturnsEveryObjectOfThePrefixOnceInOrder()
    {
        await using var host = await GoogleTestHost.StartAsync();
        for (var i = 0; i < 23; i++)
        {
            host.Gcs.PutText($"runs/b1/x/{i:D3}", "r");
        }

        host.Gcs.PutText("runs/b2/x/000", "other");

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await host.Store.ListAsync("runs/b1/", token, pageSize: 7);
            names.AddRange(page.Items.Select(i => i.Name));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(4, pages);
        Assert.Equal(Enumerable.Range(0, 23).Select(i => $"runs/b1/x/{i:D3}"), names);
    }

    [Fact]
    public async Task DeleteByPrefix_RemovesOnlyThatPrefix()
    {
        await using var host = await GoogleTestHost.StartAsync();
        for (var i = 0; i < 30; i++)
        {
            host.Gcs.PutText($"runs/b1/n/{i}", "r");
        }

        host.Gcs.PutText("runs/b10/n/0", "keep");

        var deleted = await host.Store.DeleteByPrefixAsync("runs/b1/");

        Assert.Equal(30, deleted);
        Assert.Equal(["runs/b10/n/0"], host.Gcs.Objects.Select(o => o.Name));
    }

    [Fact]
    public async Task DeleteByPrefix_ObjectRewrittenAfterListing_DeletesTheNewerGenerationToo()
    {
        FakeGcsServer? fake = null;
        var rewritten = 0;
        await using var host = await GoogleTestHost.StartAsync(configure: s => s.AddHttpClient(GcsObjectStore.HttpClientName)
            .AddHttpMessageHandler(() => new InterceptingHandler(request =>
            {
                // A writer replaces the object between the listing and the generation-guarded delete.
                if (request.Method == HttpMethod.Delete && Interlocked.Exchange(ref rewritten, 1) == 0)
                {
                    fake!.PutText("runs/b1/n/0", "newer");
                }

                return Task.CompletedTask;
            })));
        fake = host.Gcs;
        host.Gcs.PutText("runs/b1/n/0", "older");

        var deleted = await host.Store.DeleteByPrefixAsync("runs/b1/");

        Assert.Equal(1, deleted);
        Assert.Empty(host.Gcs.Objects);
        Assert.Equal(2, host.Gcs.Calls("objects.delete"));
        Assert.Equal(1, host.Gcs.Calls("objects.get"));
    }

    [Fact]
    public async Task Delete_UnguardedAndUnavailable_IsNotRetried()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Gcs.PutText("runs/x", "r");
        host.Gcs.Faults.UnavailableFraction = 1;
        host.Gcs.Faults.AppliesTo = e => e == "objects.delete";

        var error = await Assert.ThrowsAsync<CloudServiceException>(() => host.Store.DeleteAsync("runs/x"));

        // Without a generation precondition a repeat could delete a newer object: the library does not resend it.
        Assert.Equal(503, error.Status);
        Assert.Equal(1, host.Gcs.Calls("objects.delete"));
        Assert.NotNull(host.Gcs.Get("runs/x"));
    }

    [Fact]
    public async Task Put_BytesCorruptedOnTheWay_RejectedByTheCrc32CAndNothingStored()
    {
        await using var host = await GoogleTestHost.StartAsync(configure: s => s.AddHttpClient(GcsObjectStore.HttpClientName)
            .AddHttpMessageHandler(() => new InterceptingHandler(async request =>
            {
                // Flip one bit of the last chunk, after the library computed the object's CRC32C.
                if (request.Method == HttpMethod.Put && request.Headers.Contains("X-Goog-Hash") && request.Content is { } content)
                {
                    var bytes = await content.ReadAsByteArrayAsync();
                    bytes[^1] ^= 1;
                    var corrupted = new ByteArrayContent(bytes);
                    foreach (var header in content.Headers)
                    {
                        corrupted.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }

                    request.Content = corrupted;
                }
            })));

        var error = await Assert.ThrowsAsync<CloudServiceException>(() => host.Store.PutIfAbsentAsync("runs/c/result.json", Text("{\"ok\":true}")));

        Assert.Equal(400, error.Status);
        Assert.Equal("INVALID_ARGUMENT", error.Code);
        Assert.Contains("CRC32C", error.Message, StringComparison.Ordinal);
        Assert.Null(host.Gcs.Get("runs/c/result.json"));
    }

    [Fact]
    public async Task SetCustomTime_Refresh_SetsAndNeverMovesBack()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Gcs.PutText("inputs/x.tar.gz", "b");
        var later = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

        var set = await host.Store.SetCustomTimeAsync("inputs/x.tar.gz", later);
        var earlier = await host.Store.SetCustomTimeAsync("inputs/x.tar.gz", later.AddDays(-1));

        Assert.Equal(later, set?.CustomTime);
        Assert.Equal(later, earlier?.CustomTime);
        Assert.Equal(later, host.Gcs.Get("inputs/x.tar.gz")?.CustomTime);
    }

    [Fact]
    public async Task InjectedFaults_GuardedAndIdempotentCalls_Recover()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Gcs.Faults.ThrottleFraction = 0.15;
        host.Gcs.Faults.UnavailableFraction = 0.15;
        host.Gcs.Faults.HangFraction = 0.03;
        host.Gcs.Faults.SlowFraction = 0.1;
        host.Gcs.Faults.SlowDelay = TimeSpan.FromMilliseconds(20);

        for (var i = 0; i < 12; i++)
        {
            // A retry after a lost answer sees 412: "already there" is then this call's own write.
            await host.Store.PutIfAbsentAsync($"runs/f/{i}", Text($"v{i}"));
            Assert.Equal($"v{i}", Encoding.UTF8.GetString(host.Gcs.Get($"runs/f/{i}")!.Data));
        }

        var listed = await host.Store.ListAsync("runs/f/", pageSize: 5);
        var text = await ReadTextAsync(host.Store, "runs/f/3");
        await host.Store.SetCustomTimeAsync("runs/f/3", DateTimeOffset.UtcNow);
        var deleted = await host.Store.DeleteByPrefixAsync("runs/f/");

        Assert.Equal(5, listed.Items.Count);
        Assert.Equal("v3", text);
        Assert.InRange(deleted, 1, 12);
        Assert.Empty(host.Gcs.Objects);

        // Without faults: 12 puts of a session POST and one PUT each, a list, a download, a patch, the purge's list and 12 deletes.
        Assert.True(host.Gcs.TotalCalls > (12 * 2) + 1 + 1 + 1 + 1 + 12, $"faults should have caused retries, saw {host.Gcs.TotalCalls} calls");
    }

    [Fact]
    public async Task ServerHangs_OnGuardedUploadAndDownload_AttemptTimesOutAndRetrySucceeds()
    {
        await using var host = await GoogleTestHost.StartAsync();
        var hung = new HashSet<string>();
        host.Gcs.Faults.HangFraction = 1;
        host.Gcs.Faults.AppliesTo = e => e is "objects.insert.resumable" or "objects.download" && hung.Add(e);

        var created = await host.Store.PutIfAbsentAsync("runs/h/claim", Text("exec-1"));
        var text = await ReadTextAsync(host.Store, "runs/h/claim");

        Assert.True(created.Created);
        Assert.Equal("exec-1", text);
        Assert.Equal(2, host.Gcs.Calls("objects.insert.resumable"));
        Assert.Equal(2, host.Gcs.Calls("objects.download"));
    }

    [Fact]
    public async Task ServerHangs_OnCustomTimePatch_AttemptTimesOutAndRetrySucceeds()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Gcs.PutText("inputs/x.tar.gz", "b");
        var hung = 0;
        host.Gcs.Faults.HangFraction = 1;
        host.Gcs.Faults.AppliesTo = e => e == "objects.patch" && Interlocked.Exchange(ref hung, 1) == 0;
        var time = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

        var updated = await host.Store.SetCustomTimeAsync("inputs/x.tar.gz", time);

        // The library retries only error statuses; the transport failure of a call it treats as idempotent is resent below it.
        Assert.Equal(time, updated?.CustomTime);
        Assert.Equal(2, host.Gcs.Calls("objects.patch"));
    }

    [Fact]
    public async Task Throttled_WithRetryAfter_WaitsThatLongThenSucceeds()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Gcs.PutText("a", "x");
        var first = true;
        host.Gcs.Faults.ThrottleFraction = 1;
        host.Gcs.Faults.RetryAfterSeconds = 1;
        host.Gcs.Faults.AppliesTo = e =>
        {
            var fault = e == "objects.get" && first;
            first = false;
            return fault;
        };

        var watch = Stopwatch.StartNew();
        var metadata = await host.Store.GetMetadataAsync("a");

        Assert.NotNull(metadata);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retry-After ignored: {watch.Elapsed}");
        Assert.Equal(2, host.Gcs.Calls("objects.get"));
    }

    [Fact]
    public async Task WrongToken_Is401Unauthenticated_NotRetried()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Gcs.RequiredBearerToken = "another-token";

        var error = await Assert.ThrowsAsync<CloudServiceException>(() => host.Store.GetMetadataAsync("a"));

        Assert.Equal(401, error.Status);
        Assert.Equal("UNAUTHENTICATED", error.Code);
        Assert.Equal(1, host.Gcs.Calls("unauthenticated"));
    }

    [Fact]
    public async Task Get_WrongToken_Is401WithTheServiceMessage_NotRetried()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Gcs.PutText("a", "x");
        host.Gcs.RequiredBearerToken = "another-token";

        var error = await Assert.ThrowsAsync<CloudServiceException>(() => host.Store.GetAsync("a"));

        Assert.Equal(401, error.Status);
        Assert.Equal("UNAUTHENTICATED", error.Code);
        Assert.Equal("Request had invalid authentication credentials.", error.Message);
        Assert.Equal(1, host.Gcs.Calls("unauthenticated"));
    }

    /// <summary>Runs an action on each request before sending it on (per attempt, under the library's retries).</summary>
    private sealed class InterceptingHandler(Func<HttpRequestMessage, Task> before) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await before(request);
            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>A stream that cannot seek or report its length, like a network or gzip stream.</summary>
    private sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 10_000));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
