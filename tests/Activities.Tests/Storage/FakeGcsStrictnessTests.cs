using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Orchestration.Fakes;

namespace Orchestration.Activities.Tests.Storage;

/// <summary>The loopback GCS fake answers and refuses as the Cloud Storage JSON API does, so a client that
/// leans on something GCS does not do fails here first; each rule is shown both refused and kept.</summary>
public sealed class FakeGcsStrictnessTests : IAsyncLifetime
{
    private const int Unit = FakeGcsServer.ChunkGranularity;
    private FakeGcsServer _gcs = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _gcs = new FakeGcsServer("strict-bucket");
        await _gcs.StartAsync();
        _http = new HttpClient { BaseAddress = _gcs.BaseUrl };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gcs.DisposeAsync();
    }

    [Fact]
    public async Task ErrorBody_MissingObject_HasJsonApiShapeWithoutStatusString()
    {
        using var response = await _http.GetAsync(new Uri("storage/v1/b/strict-bucket/o/runs%2Fnone.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.AsObject();
        Assert.Equal(404, error["code"]!.GetValue<int>());
        Assert.Contains("runs/none.json", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("notFound", error["errors"]![0]!["reason"]!.GetValue<string>());
        Assert.False(error.ContainsKey("status"), "GCS JSON API errors carry no gRPC status string");
    }

    [Fact]
    public async Task ErrorBody_PreconditionFailed_HasReasonWithoutStatusString()
    {
        _gcs.PutText("runs/a/claim.json", "{}");

        using var response = await _http.PostAsync(
            new Uri("upload/storage/v1/b/strict-bucket/o?uploadType=media&name=runs%2Fa%2Fclaim.json&ifGenerationMatch=0", UriKind.Relative),
            new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.AsObject();
        Assert.Equal("conditionNotMet", error["errors"]![0]!["reason"]!.GetValue<string>());
        Assert.False(error.ContainsKey("status"));
    }

    [Theory]
    [InlineData(100 * 1024)]
    [InlineData(Unit + 1)]
    [InlineData((2 * Unit) - 1)]
    public async Task Chunk_NonFinalNotWholeUnits_RefusedAndNothingKept(int length)
    {
        var session = await StartSessionAsync("runs/a/out.tar.gz");

        using var refused = await PutChunkAsync(session, new byte[length], $"bytes 0-{length - 1}/*");
        using var status = await PutChunkAsync(session, [], "bytes */*");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"contained {length} bytes", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(308, (int)status.StatusCode);
        Assert.False(status.Headers.Contains("Range"), "a refused chunk leaves no persisted bytes");
    }

    [Fact]
    public async Task Chunk_NonFinalNotWholeUnitsWithKnownTotal_Refused()
    {
        var session = await StartSessionAsync("runs/a/out.tar.gz");

        using var refused = await PutChunkAsync(session, new byte[Unit + 10], $"bytes 0-{Unit + 9}/{(3 * Unit).ToString(System.Globalization.CultureInfo.InvariantCulture)}");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task Chunk_WholeUnitsThenShortFinal_Accepted()
    {
        var session = await StartSessionAsync("runs/a/out.tar.gz");
        var data = new byte[(2 * Unit) + 17];
        new Random(7).NextBytes(data);

        using var first = await PutChunkAsync(session, data[..(2 * Unit)], $"bytes 0-{(2 * Unit) - 1}/*");
        using var last = await PutChunkAsync(session, data[(2 * Unit)..], $"bytes {2 * Unit}-{data.Length - 1}/{data.Length}");

        Assert.Equal(308, (int)first.StatusCode);
        Assert.Equal($"bytes=0-{(2 * Unit) - 1}", first.Headers.GetValues("Range").Single());
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal(data, _gcs.Get("runs/a/out.tar.gz")!.Data);
    }

    [Fact]
    public async Task Chunk_SingleShortChunkThatIsTheWholeObject_Accepted()
    {
        var session = await StartSessionAsync("runs/a/result.json");

        using var only = await PutChunkAsync(session, Encoding.UTF8.GetBytes("{\"exitCode\":0}"), "bytes 0-13/14");

        Assert.Equal(HttpStatusCode.OK, only.StatusCode);
        Assert.Equal("{\"exitCode\":0}", Encoding.UTF8.GetString(_gcs.Get("runs/a/result.json")!.Data));
    }

    [Fact]
    public async Task ContentEncoding_GzipBody_InflatedAndStored()
    {
        var json = "{\"name\":\"runs/a/meta.json\"}";
        using var gzipped = new MemoryStream();
        await using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(json));
        }

        using var content = new ByteArrayContent(gzipped.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await _http.PostAsync(new Uri("upload/storage/v1/b/strict-bucket/o?uploadType=media&name=runs%2Fa%2Fmeta.json", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(json, Encoding.UTF8.GetString(_gcs.Get("runs/a/meta.json")!.Data));
    }

    [Fact]
    public async Task ContentEncoding_Unknown_Refused()
    {
        using var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.ContentEncoding.Add("br");
        using var response = await _http.PostAsync(new Uri("upload/storage/v1/b/strict-bucket/o?uploadType=media&name=runs%2Fa%2Fx", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(_gcs.Get("runs/a/x"));
    }

    private async Task<Uri> StartSessionAsync(string name)
    {
        using var response = await _http.PostAsync(
            new Uri($"upload/storage/v1/b/strict-bucket/o?uploadType=resumable&name={Uri.EscapeDataString(name)}", UriKind.Relative),
            new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.Location!;
    }

    private async Task<HttpResponseMessage> PutChunkAsync(Uri session, byte[] body, string contentRange)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, session) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", contentRange);
        return await _http.SendAsync(request);
    }
}
