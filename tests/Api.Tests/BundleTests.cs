using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Orchestration.Activities.Inputs;
using Orchestration.Domain.Specs;

namespace Orchestration.Api.Tests;

public sealed class BundleTests
{
    [Fact]
    public async Task Put_ValidBundle_StoredAndUsableByABatch()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync();
        var bundle = await new InputBundler(new BundleOptions()).BuildAsync([new BundleEntry("data/a.txt", Encoding.UTF8.GetBytes("hello"))]);

        // Act
        using var first = await PutAsync(host, bundle.Sha256, await File.ReadAllBytesAsync(bundle.GzipPath));
        using var again = await PutAsync(host, bundle.Sha256, await File.ReadAllBytesAsync(bundle.GzipPath));
        using var submitted = await host.SubmitAsync($$$$"""{"id": "b1", "tasks": [{"id": "a", "command": "cat input/d/data/a.txt", "inputs": {"d": {"bundle": "{{{{bundle.Sha256}}}}"}}}]}""");
        var status = await host.WaitForStatusAsync("b1", s => s is "completed" or "failed");

        // Assert
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal($"/api/inputs/{bundle.Sha256}", first.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.NotNull(await host.Objects.GetAsync(RunnerContract.InputBundleObject(bundle.Sha256)));
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal("completed", status.GetProperty("status").GetString());
        File.Delete(bundle.GzipPath);
    }

    [Fact]
    public async Task Put_WrongHashSymlinkBadNameOrTooLarge_Refused()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync(o => o.MaxBundleBytes = 64 * 1024);
        var bundle = await new InputBundler(new BundleOptions()).BuildAsync([new BundleEntry("a.txt", Encoding.UTF8.GetBytes("hello"))]);
        var gzip = await File.ReadAllBytesAsync(bundle.GzipPath);
        File.Delete(bundle.GzipPath);
        var (linkSha, linkGzip) = TarWithSymlink();

        // Act
        using var wrongHash = await PutAsync(host, new string('0', 64), gzip);
        using var symlink = await PutAsync(host, linkSha, linkGzip);
        using var badName = await PutAsync(host, "ABC", gzip);
        using var notGzip = await PutAsync(host, new string('1', 64), Encoding.UTF8.GetBytes("not a tarball"));
        using var tooLarge = await PutAsync(host, new string('2', 64), RandomNumberGenerator.GetBytes(65 * 1024));

        // Assert
        var hashProblem = await BatchLifecycleTests.AssertProblemAsync(wrongHash, HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrEmpty(hashProblem.GetProperty("detail").GetString()));
        var linkProblem = await BatchLifecycleTests.AssertProblemAsync(symlink, HttpStatusCode.BadRequest);
        Assert.Contains("link", linkProblem.GetProperty("detail").GetString()!, StringComparison.OrdinalIgnoreCase);
        await BatchLifecycleTests.AssertProblemAsync(badName, HttpStatusCode.BadRequest, "sha256");
        await BatchLifecycleTests.AssertProblemAsync(notGzip, HttpStatusCode.BadRequest);
        await BatchLifecycleTests.AssertProblemAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(await host.Objects.GetAsync(RunnerContract.InputBundleObject(linkSha)));
        Assert.Null(await host.Objects.GetAsync(RunnerContract.InputBundleObject(new string('0', 64))));
    }

    private static async Task<HttpResponseMessage> PutAsync(ApiHost host, string sha, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        return await host.Http.PutAsync($"/api/inputs/{sha}", content);
    }

    private static (string Sha, byte[] Gzip) TarWithSymlink()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true))
        {
            writer.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, "passwd") { LinkName = "/etc/passwd" });
        }

        var bytes = tar.ToArray();
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return (Convert.ToHexStringLower(SHA256.HashData(bytes)), gzipped.ToArray());
    }
}
