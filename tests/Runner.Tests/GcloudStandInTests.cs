using System.Diagnostics;
using System.Text;

namespace Orchestration.Runner.Tests;

/// <summary>The storage shim the local job runner reuses: its semantics are part of what it promises.</summary>
public sealed class GcloudStandInTests : IDisposable
{
    private readonly RunnerHarness _harness = new();

    [Fact]
    public async Task Cp_IfGenerationMatchZero_CreatesOnceThenFailsWith412()
    {
        var file = Path.Combine(_harness.Root, "a.txt");
        await File.WriteAllTextAsync(file, "first");

        var created = await GcloudAsync("storage", "cp", file, "gs://bkt/x/claim", "--if-generation-match=0");
        await File.WriteAllTextAsync(file, "second");
        var refused = await GcloudAsync("storage", "cp", file, "gs://bkt/x/claim", "--if-generation-match=0");
        var overwritten = await GcloudAsync("storage", "cat", "gs://bkt/x/claim");

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

        var outcome = await GcloudAsync("storage", "cp", file, "gs://bkt/a/../../escape.txt");

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.False(File.Exists(Path.Combine(_harness.GcsRoot, "escape.txt")));
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
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new RunnerOutcome(process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    public void Dispose() => _harness.Dispose();
}
