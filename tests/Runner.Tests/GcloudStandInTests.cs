using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Runner.Tests;

/// <summary>The storage shim the local job runner reuses: its semantics are part of what it promises.</summary>
public sealed class GcloudStandInTests : IDisposable
{
    private readonly RunnerHarness _harness = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    [Fact]
    public async Task Cp_IfGenerationMatchZero_CreatesOnceThenFailsWith412()
    {
        var file = Path.Combine(_harness.Root, "a.txt");
        await File.WriteAllTextAsync(file, "first");

        var created = await GcloudAsync("storage", "cp", file, "gs://bkt/runs/x/claim", "--if-generation-match=0");
        await File.WriteAllTextAsync(file, "second");
        var refused = await GcloudAsync("storage", "cp", file, "gs://bkt/runs/x/claim", "--if-generation-match=0");
        var overwritten = await GcloudAsync("storage", "cat", "gs://bkt/runs/x/claim");

        Assert.Equal(0, created.ExitCode);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("HTTPError 412", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("first", overwritten.Stdout);
    }

    [Fact]
    public async Task Cp_SeveralSourcesToAPrefix_ThenListCopyBackAndRemove()
    {
        var one = Path.Combine(_harness.Root, "one.txt");
        var two = Path.Combine(_harness.Root, "two.txt");
        await File.WriteAllTextAsync(one, "1");
        await File.WriteAllTextAsync(two, "2");
        _harness.PutObject("p/sub/deep.txt", Encoding.UTF8.GetBytes("deep"));
        _environment["GCLOUD_STANDIN_WRITE_PREFIXES"] = "p/";
        _environment["GCLOUD_STANDIN_READ_PREFIXES"] = "p/";
        _environment["GCLOUD_STANDIN_DELETE_PREFIXES"] = "p/";

        Assert.Equal(0, (await GcloudAsync("storage", "cp", one, two, "gs://bkt/p/")).ExitCode);
        var flat = await GcloudAsync("storage", "ls", "gs://bkt/p/");
        var all = await GcloudAsync("storage", "ls", "-r", "gs://bkt/p/");
        var target = Path.Combine(_harness.Root, "copy");
        var copied = await GcloudAsync("storage", "cp", "-r", "gs://bkt/p/*", target + "/");
        var removed = await GcloudAsync("storage", "rm", "-r", "gs://bkt/p/");
        var missing = await GcloudAsync("storage", "cat", "gs://bkt/p/one.txt");

        Assert.Equal("gs://bkt/p/one.txt\ngs://bkt/p/sub/\ngs://bkt/p/two.txt\n", flat.Stdout);
        Assert.Equal("gs://bkt/p/one.txt\ngs://bkt/p/sub/deep.txt\ngs://bkt/p/two.txt\n", all.Stdout);
        Assert.Equal(0, copied.ExitCode);
        Assert.Equal("deep", await File.ReadAllTextAsync(Path.Combine(target, "sub", "deep.txt")));
        Assert.Equal("2", await File.ReadAllTextAsync(Path.Combine(target, "two.txt")));
        Assert.Equal(0, removed.ExitCode);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("matched no objects", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cp_ObjectNameWithParentSegment_IsRefused()
    {
        var file = Path.Combine(_harness.Root, "a.txt");
        await File.WriteAllTextAsync(file, "x");

        _environment["GCLOUD_STANDIN_WRITE_PREFIXES"] = "*";

        var outcome = await GcloudAsync("storage", "cp", file, "gs://bkt/a/../../escape.txt");

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.False(File.Exists(Path.Combine(_harness.GcsRoot, "escape.txt")));
    }

    [Theory]
    [InlineData("gs://bkt/inputs/x.txt", "create")]
    [InlineData("gs://bkt/elsewhere/x.txt", "create")]
    [InlineData("gs://bkt/gcloud/tmp/parallel_composite_uploads/see_gcloud_storage_cp_help_for_details/p_0", "create")]
    public async Task Cp_OutsideTheWritablePrefix_RefusedWith403(string destination, string permission)
    {
        // Arrange: the default grants (no GCLOUD_STANDIN_* set): create under runs/ only.
        var file = await FileAsync("a.txt", "x");

        // Act
        var outcome = await GcloudAsync("storage", "cp", file, destination);

        // Assert
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("HTTPError 403", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Permission 'storage.objects.{permission}' denied", outcome.Stderr, StringComparison.Ordinal);
        Assert.Empty(_harness.BucketObjectNames());
    }

    [Fact]
    public async Task Cp_OverAnExistingObject_NeedsTheDeleteGrant()
    {
        // Arrange
        var file = await FileAsync("a.txt", "second");
        _harness.PutObject("runs/x/out.txt", Encoding.UTF8.GetBytes("first"));

        // Act
        var refused = await GcloudAsync("storage", "cp", file, "gs://bkt/runs/x/out.txt");
        var keptBeforeGrant = await File.ReadAllTextAsync(Path.Combine(_harness.GcsRoot, "bkt", "runs", "x", "out.txt"));
        _environment["GCLOUD_STANDIN_DELETE_PREFIXES"] = "runs/";
        var replaced = await GcloudAsync("storage", "cp", file, "gs://bkt/runs/x/out.txt");

        // Assert
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Permission 'storage.objects.delete' denied", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("first", keptBeforeGrant);
        Assert.Equal(0, replaced.ExitCode);
        Assert.Equal("second", await File.ReadAllTextAsync(Path.Combine(_harness.GcsRoot, "bkt", "runs", "x", "out.txt")));
    }

    [Fact]
    public async Task Cat_OutsideTheReadablePrefixes_RefusedWith403()
    {
        // Arrange: readable are inputs/ and runs/.
        _harness.PutObject("secret/x.txt", Encoding.UTF8.GetBytes("x"));
        _harness.PutObject("inputs/x.txt", Encoding.UTF8.GetBytes("in"));

        // Act
        var outside = await GcloudAsync("storage", "cat", "gs://bkt/secret/x.txt");
        var inside = await GcloudAsync("storage", "cat", "gs://bkt/inputs/x.txt");

        // Assert
        Assert.NotEqual(0, outside.ExitCode);
        Assert.Contains("Permission 'storage.objects.get' denied", outside.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, outside.Stdout);
        Assert.Equal("in", inside.Stdout);
    }

    [Fact]
    public async Task Rm_WithoutTheDeleteGrant_RefusedAndKept()
    {
        // Arrange: nothing is deletable by default.
        _harness.PutObject("runs/x.txt", Encoding.UTF8.GetBytes("x"));

        // Act
        var outcome = await GcloudAsync("storage", "rm", "gs://bkt/runs/x.txt");

        // Assert
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("Permission 'storage.objects.delete' denied", outcome.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_harness.GcsRoot, "bkt", "runs", "x.txt")));
    }

    [Fact]
    public async Task Cp_FileAboveTheCompositeThreshold_WritesPartsAtTheBucketRootWhichTheGrantsRefuse()
    {
        // Arrange
        var file = await RandomFileAsync(2500);
        _environment["GCLOUD_STANDIN_PCU_THRESHOLD"] = "1000";

        // Act
        var outcome = await GcloudAsync("storage", "cp", file, "gs://bkt/runs/x/output.tar.gz");

        // Assert
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("Permission 'storage.objects.create' denied", outcome.Stderr, StringComparison.Ordinal);
        Assert.Empty(_harness.BucketObjectNames());
    }

    [Fact]
    public async Task Cp_FileAboveTheCompositeThreshold_AllGranted_ComposesTheObjectAndDeletesTheParts()
    {
        // Arrange
        var file = await RandomFileAsync(2500);
        _environment["GCLOUD_STANDIN_PCU_THRESHOLD"] = "1000";
        _environment["GCLOUD_STANDIN_WRITE_PREFIXES"] = "runs/ gcloud/";
        _environment["GCLOUD_STANDIN_DELETE_PREFIXES"] = "gcloud/";

        // Act
        var outcome = await GcloudAsync("storage", "cp", file, "gs://bkt/runs/x/output.tar.gz");

        // Assert
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(["runs/x/output.tar.gz"], _harness.BucketObjectNames());
        Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(Path.Combine(_harness.GcsRoot, "bkt", "runs", "x", "output.tar.gz")));
    }

    [Theory]
    [InlineData("False")]
    [InlineData("false")]
    [InlineData("0")]
    public async Task Cp_FileAboveTheCompositeThreshold_PropertyOff_OneObject(string setting)
    {
        // Arrange
        var file = await RandomFileAsync(2500);
        _environment["GCLOUD_STANDIN_PCU_THRESHOLD"] = "1000";
        _environment["CLOUDSDK_STORAGE_PARALLEL_COMPOSITE_UPLOAD_ENABLED"] = setting;

        // Act
        var outcome = await GcloudAsync("storage", "cp", file, "gs://bkt/runs/x/output.tar.gz");

        // Assert
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(["runs/x/output.tar.gz"], _harness.BucketObjectNames());
    }

    [Theory]
    [InlineData(true, "HTTPError 412")]
    [InlineData(false, "Permission 'storage.objects.delete' denied")]
    public async Task Cp_LostResponse_StoresTheObjectThenFailsAsTheRetryWould(bool ifGenerationMatch, string expected)
    {
        // Arrange
        var file = await FileAsync("result.json", "{}");
        _environment["GCLOUD_STANDIN_LOST_RESPONSE_MATCH"] = "/result\\.json$";
        string[] arguments = ifGenerationMatch
            ? ["storage", "cp", "--if-generation-match=0", file, "gs://bkt/runs/x/"]
            : ["storage", "cp", file, "gs://bkt/runs/x/"];

        // Act
        var outcome = await GcloudAsync(arguments);

        // Assert
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains(expected, outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal("{}", await File.ReadAllTextAsync(Path.Combine(_harness.GcsRoot, "bkt", "runs", "x", "result.json")));
    }

    [Fact]
    public async Task Hash_ObjectsAndFiles_Md5AsGcloudPrintsIt()
    {
        // Arrange: MD5("hello\n") = b1946ac92492d2347c6235b4d2611184, base64 sZRqySSS0jR8YjW00mERhA==.
        var file = await FileAsync("a.txt", "hello\n");
        _harness.PutObject("runs/x/a.txt", Encoding.UTF8.GetBytes("hello\n"));

        // Act
        var listed = await GcloudAsync("storage", "hash", "gs://bkt/runs/x/a.txt", "gs://bkt/runs/x/absent", file, "--skip-crc32c", "--hex", "--format=value(url,md5_hash)");
        var base64 = await GcloudAsync("storage", "hash", "gs://bkt/runs/x/a.txt", "--skip-crc32c", "--format=value(md5_hash)");
        var none = await GcloudAsync("storage", "hash", "gs://bkt/runs/x/absent", "--skip-crc32c");

        // Assert
        Assert.Equal($"gs://bkt/runs/x/a.txt\tb1946ac92492d2347c6235b4d2611184\n{file}\tb1946ac92492d2347c6235b4d2611184\n", listed.Stdout);
        Assert.Contains("No matches found for gs://bkt/runs/x/absent", listed.Stderr, StringComparison.Ordinal);
        Assert.Equal("sZRqySSS0jR8YjW00mERhA==\n", base64.Stdout);
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("No URLS matched", none.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_DelaySeconds_TakesAtLeastThatLong()
    {
        // Arrange
        _environment["GCLOUD_STANDIN_DELAY_SECONDS"] = "1";

        // Act
        var outcome = await GcloudAsync("storage", "ls", "gs://bkt/");

        // Assert
        Assert.True(outcome.Elapsed >= TimeSpan.FromSeconds(1), $"took {outcome.Elapsed}");
    }

    private async Task<string> FileAsync(string name, string content)
    {
        var file = Path.Combine(_harness.Root, name);
        await File.WriteAllTextAsync(file, content);
        return file;
    }

    private async Task<string> RandomFileAsync(int bytes)
    {
        var file = Path.Combine(_harness.Root, "random.bin");
        await File.WriteAllBytesAsync(file, RandomNumberGenerator.GetBytes(bytes));
        return file;
    }

    private async Task<RunnerOutcome> GcloudAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(RunnerHarness.RepositoryRoot, "runner", "local", "gcloud"), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["GCS_LOCAL_ROOT"] = _harness.GcsRoot;
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("GCLOUD_STANDIN_", StringComparison.Ordinal) || k.StartsWith("CLOUDSDK_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new RunnerOutcome(process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    public void Dispose() => _harness.Dispose();
}
