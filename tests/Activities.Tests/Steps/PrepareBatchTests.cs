using System.Text.Json;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Inputs;
using Orchestration.Activities.Steps;
using Orchestration.Domain;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Tests.Steps;

public sealed class PrepareBatchTests : IDisposable
{
    private const string Json = """
        {"id": "b1", "maxParallelRuns": 7, "tasks": [
          {"id": "unit", "n": 3, "command": "make test", "inputs": {"repo": {"path": "repo"}, "config.json": {"text": "{\"strict\": true}"}}, "flag": {"verdictFile": "verdict.json"}},
          {"id": "lint", "n": 2, "command": "make lint", "inputs": {"repo": {"path": "repo"}, "config.json": {"text": "{\"strict\": true}"}}},
          {"id": "review", "n": 4, "prompt": "Review this repository for XSS.", "inputs": {"app": {"git": {"url": "https://github.com/org/app", "ref": "main"}}}}]}
        """;

    private readonly StepsHarness _h = new();

    public PrepareBatchTests()
    {
        Directory.CreateDirectory(Path.Combine(_h.Root, "work", "repo", "src"));
        File.WriteAllText(Path.Combine(_h.Root, "work", "repo", "src", "main.c"), "int main() { return 0; }");
    }

    public void Dispose() => _h.Dispose();

    private PrepareBatch Activity() => new(_h.Catalog, _h.Batches, _h.Objects, _h.CloudRun, _h.Git, _h.Bundler, _h.Settings, _h.Time);

    [Fact]
    public async Task RunAsync_Batch_PlanOfIdsUrisAndCounts()
    {
        await _h.SubmitAsync(Json);

        var plan = await Activity().RunAsync(new PrepareBatchInput("b1"));

        Assert.Equal("n1", plan.Nonce);
        Assert.Equal(7, plan.MaxParallelRuns);
        Assert.Equal(9, plan.TotalRuns);
        Assert.Equal(["unit", "lint", "review"], plan.Tasks.Select(t => t.TaskId));
        Assert.Equal("gs://test-bucket/runs/b1/n1/unit/spec.json", plan.Tasks[0].SpecUri);
        var planJson = JsonSerializer.Serialize(plan, BatchJson.Options);
        Assert.DoesNotContain("make test", planJson, StringComparison.Ordinal);
        Assert.DoesNotContain("XSS", planJson, StringComparison.Ordinal);
        Assert.Equal(BatchStatus.Running, (await _h.Batches.GetAsync("b1"))!.Status);
    }

    [Fact]
    public async Task RunAsync_Batch_OneJobPerJobKeyWithSecretsOnlyOnClaude()
    {
        await _h.SubmitAsync(Json);

        var plan = await Activity().RunAsync(new PrepareBatchInput("b1"));

        Assert.Equal(plan.Tasks[0].JobId, plan.Tasks[1].JobId);
        Assert.NotEqual(plan.Tasks[0].JobId, plan.Tasks[2].JobId);
        Assert.Equal(2, _h.CloudRun.Jobs.Count);
        var command = _h.CloudRun.Jobs[plan.Tasks[0].JobId];
        var claude = _h.CloudRun.Jobs[plan.Tasks[2].JobId];
        Assert.Empty(command.Secrets);
        Assert.Equal("cmd@p.iam.gserviceaccount.com", command.ServiceAccount);
        Assert.Equal(new("anthropic-key", "3"), claude.Secrets["ANTHROPIC_API_KEY"]);
        Assert.Equal("claude@p.iam.gserviceaccount.com", claude.ServiceAccount);
        Assert.Equal(0, command.MaxRetries);
    }

    [Theory]
    [InlineData("anthropic-key:latest", "anthropic-key", "latest")]
    [InlineData("projects/other-project/secrets/anthropic-key:4", "projects/other-project/secrets/anthropic-key", "4")]
    [InlineData("projects/other-project/secrets/anthropic-key/versions/latest", "projects/other-project/secrets/anthropic-key", "latest")]
    public async Task RunAsync_SecretReferenceForms_JobSecretKeyRefHasSecretAndVersionApart(string reference, string secret, string version)
    {
        _h.Settings.Value.ClaudeSecrets["ANTHROPIC_API_KEY"] = reference;
        await _h.SubmitAsync(Json);

        var plan = await Activity().RunAsync(new PrepareBatchInput("b1"));

        Assert.Equal(new(secret, version), _h.CloudRun.Jobs[plan.Tasks[2].JobId].Secrets["ANTHROPIC_API_KEY"]);
    }

    [Fact]
    public async Task RunAsync_Batch_SpecsPinInputsAndShareOneBundle()
    {
        await _h.SubmitAsync(Json);

        await Activity().RunAsync(new PrepareBatchInput("b1"));
        var unit = JsonSerializer.Deserialize<RunSpec>((await _h.ReadAsync(RunnerContract.SpecObject("b1", "n1", "unit")))!, BatchJson.Options)!;
        var lint = JsonSerializer.Deserialize<RunSpec>((await _h.ReadAsync(RunnerContract.SpecObject("b1", "n1", "lint")))!, BatchJson.Options)!;
        var review = JsonSerializer.Deserialize<RunSpec>((await _h.ReadAsync(RunnerContract.SpecObject("b1", "n1", "review")))!, BatchJson.Options)!;

        Assert.Equal("make test", unit.Command);
        Assert.Equal(["verdict.json"], unit.FlagFiles);
        var bundle = Assert.Single(unit.Inputs);
        Assert.Equal(".", bundle.Name);
        Assert.Equal(bundle, Assert.Single(lint.Inputs));
        Assert.Matches("^gs://test-bucket/inputs/[0-9a-f]{64}\\.tar\\.gz$", bundle.Bundle);
        var uri = bundle.Bundle!;
        var sha = uri[(uri.LastIndexOf('/') + 1)..^".tar.gz".Length];
        var local = Path.Combine(_h.Root, "objects", "inputs", sha + ".tar.gz");
        Assert.True(await BundleVerifier.VerifyAsync(local, sha, long.MaxValue) > 0);
        var git = Assert.Single(review.Inputs).Git;
        Assert.NotNull(git);
        Assert.Equal("main", git.Ref);
        Assert.Matches("^[0-9a-f]{40}$", git.Commit);
        Assert.Equal("Review this repository for XSS.", review.Prompt);
        Assert.Equal("claude-sonnet-4-5", review.Claude!.Model);
    }

    [Fact]
    public async Task RunAsync_Twice_SamePlanAndBundleNotUploadedAgain()
    {
        await _h.SubmitAsync(Json);
        var first = await Activity().RunAsync(new PrepareBatchInput("b1"));
        var bundleName = (await _h.Objects.ListAsync("inputs/")).Items.Single().Name;
        var generation = (await _h.Objects.GetMetadataAsync(bundleName))!.Generation;
        _h.Time.Advance(TimeSpan.FromHours(1));

        var second = await Activity().RunAsync(new PrepareBatchInput("b1"));
        var after = (await _h.Objects.GetMetadataAsync(bundleName))!;

        Assert.Equal(JsonSerializer.Serialize(first, BatchJson.Options), JsonSerializer.Serialize(second, BatchJson.Options));
        Assert.Equal(generation, after.Generation);
        Assert.Equal(_h.Time.GetUtcNow(), after.CustomTime);
        Assert.Equal(2, _h.CloudRun.Jobs.Count);
    }

    [Fact]
    public async Task RunAsync_PathOutsideRoot_PreparationException()
    {
        await _h.SubmitAsync("""{"id": "b2", "tasks": [{"id": "t", "command": "x", "inputs": {"r": {"path": "../../etc"}}}]}""");

        var error = await Assert.ThrowsAsync<PreparationException>(() => Activity().RunAsync(new PrepareBatchInput("b2")));

        Assert.Contains("outside the folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PathThroughLink_PreparationException()
    {
        File.CreateSymbolicLink(Path.Combine(_h.Root, "work", "etc"), "/etc");
        await _h.SubmitAsync("""{"id": "b2", "tasks": [{"id": "t", "command": "x", "inputs": {"r": {"path": "etc/hostname"}}}]}""");

        var error = await Assert.ThrowsAsync<PreparationException>(() => Activity().RunAsync(new PrepareBatchInput("b2")));

        Assert.Contains("goes through a link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BundleNeverUploaded_PreparationException()
    {
        var sha = new string('a', 64);
        await _h.SubmitAsync($$"""{"id": "b3", "tasks": [{"id": "t", "command": "x", "inputs": {"r": {"bundle": "{{sha}}"} } }]}""");

        var error = await Assert.ThrowsAsync<PreparationException>(() => Activity().RunAsync(new PrepareBatchInput("b3")));

        Assert.Contains("never uploaded", error.Message, StringComparison.Ordinal);
    }
}
