using System.Text;
using System.Text.Json;
using Orchestration.Domain.Normalization;
using Orchestration.Domain.Tests.Validation;
using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Tests.Normalization;

public sealed class NormalizationTests
{
    private static IntakeResult Read(string json) =>
        BatchIntake.Read(Encoding.UTF8.GetBytes(json), new BatchLimits(), new BatchDefaults(), () => "fallback");

    [Theory]
    [InlineData(
        """{"id": "b", "tasks": [{"id": "a", "command": "x", "n": 2, "labels": {"y": "1", "x": "2"}}]}""",
        """{"tasks": [{"labels": {"x": "2", "y": "1"}, "n": 2, "command": "x", "id": "a"}], "id": "b"}""")]
    [InlineData(
        """{"id": "b", "tasks": [{"id": "a", "command": "x"}]}""",
        """{"id": "b", "tasks": [{"id": "a", "kind": "command", "command": "x", "n": 1, "maxAttempts": 3, "timeoutSeconds": 3600, "pass": {"exitCodes": [0]}}]}""")]
    [InlineData(
        """{"id": "b", "defaults": {"n": 3, "profile": {"env": {"A": "1"}}}, "tasks": [{"id": "a", "command": "x", "profile": {"env": {"B": "2"}}}]}""",
        """{"id": "b", "tasks": [{"id": "a", "command": "x", "n": 3, "profile": {"env": {"B": "2", "A": "1"}}}]}""")]
    [InlineData(
        """{"id": "b", "tasks": [{"id": "a", "command": "x", "flag": {"contains": "bad"}}]}""",
        """{"id": "b", "tasks": [{"id": "a", "command": "x", "flags": {"flag": {"contains": "bad"}}}]}""")]
    [InlineData(
        """{"id": "b", "tasks": [{"id": "a", "command": "x", "pass": {"exitCodes": [1, 0, 1]}}]}""",
        """{"id": "b", "tasks": [{"id": "a", "command": "x", "pass": {"exitCodes": [0, 1]}}]}""")]
    [InlineData(
        """{"id": "b", "tasks": [{"id": "a", "command": "x", "inputs": {"r": {"git": {"url": "https://github.com/o/r"}}}}]}""",
        """{"id": "b", "tasks": [{"id": "a", "command": "x", "inputs": {"r": {"git": {"url": "https://github.com/o/r", "ref": "HEAD"}}}}]}""")]
    public void Hash_SameMeaning_SameHash(string first, string second)
    {
        var a = Read(first);
        var b = Read(second);

        Assert.True(a.IsValid && b.IsValid, string.Join("\n", a.Problems.Concat(b.Problems)));
        Assert.Equal(a.Hash, b.Hash);
    }

    [Theory]
    [InlineData("""{"id": "b", "tasks": [{"id": "a", "command": "x", "n": 3}]}""")]
    [InlineData("""{"id": "c", "tasks": [{"id": "a", "command": "x", "n": 2}]}""")]
    [InlineData("""{"id": "b", "tasks": [{"id": "a", "command": "y", "n": 2}]}""")]
    [InlineData("""{"id": "b", "tasks": [{"id": "a", "command": "x", "n": 2, "flag": {"contains": "z"}}]}""")]
    [InlineData("""{"id": "b", "labels": {"k": "v"}, "tasks": [{"id": "a", "command": "x", "n": 2}]}""")]
    public void Hash_DifferentContent_DifferentHash(string other)
    {
        var baseline = Read("""{"id": "b", "tasks": [{"id": "a", "command": "x", "n": 2}]}""");
        var changed = Read(other);

        Assert.NotEqual(baseline.Hash, changed.Hash);
    }

    [Fact]
    public void Hash_MaxCostUsd_AbsentOrNullKeepsTheUncappedHash_SetChangesIt()
    {
        var uncapped = Read("""{"id": "b", "tasks": [{"id": "a", "command": "x", "n": 2}]}""");
        var nullCap = Read("""{"id": "b", "maxCostUsd": null, "tasks": [{"id": "a", "command": "x", "n": 2}]}""");
        var capped = Read("""{"id": "b", "maxCostUsd": 12.5, "tasks": [{"id": "a", "command": "x", "n": 2}]}""");

        Assert.Equal(uncapped.Hash, nullCap.Hash);
        Assert.DoesNotContain("maxCostUsd", Encoding.UTF8.GetString(CanonicalJson.Serialize(uncapped.Batch!)), StringComparison.Ordinal);
        Assert.NotEqual(uncapped.Hash, capped.Hash);
        Assert.Equal(12.5m, capped.Batch!.MaxCostUsd);
    }

    [Fact]
    public void Hash_StoredBatchReadBack_SameHash()
    {
        var original = Read(ValidDocumentsTests.DesignSample);
        var stored = CanonicalJson.Serialize(original.Batch!);

        var readBack = JsonSerializer.Deserialize<Batch>(stored, BatchJson.Options)!;

        Assert.Equal(original.Hash, CanonicalJson.Hash(readBack));
        Assert.Equal(original.Batch!.TotalRuns, readBack.TotalRuns);
    }

    [Fact]
    public void Normalize_DesignSample_AppliesDefaultsPerTask()
    {
        var batch = Read(ValidDocumentsTests.DesignSample).Batch!;
        var claude = batch.Tasks[0];
        var command = batch.Tasks[1];

        Assert.Equal(600, claude.TimeoutSeconds);
        Assert.Equal("claude-sonnet-4-5", claude.Model);
        Assert.Empty(claude.PassExitCodes);
        Assert.Equal(["verdict", "vuln"], claude.Flags.Keys);
        Assert.Equal(["flag"], command.Flags.Keys);
        Assert.Equal([0], command.PassExitCodes);
        Assert.Equal(["config.json", "data", "repo"], command.Inputs.Keys);
        Assert.Equal(new Profile("REGION-docker.pkg.dev/PROJECT/runner/runner:1", "1", "2Gi", new Dictionary<string, string> { ["LOG_LEVEL"] = "info" }).Image, command.Profile.Image);
        Assert.Equal("info", command.Profile.Env["LOG_LEVEL"]);
        Assert.Equal(1, command.Ordinal);
    }

    [Fact]
    public void Normalize_ClaudeTaskWithoutModel_PinsHostDefault()
    {
        var result = BatchIntake.Read("""{"tasks": [{"id": "a", "prompt": "p"}]}"""u8, new BatchLimits(), new BatchDefaults { ClaudeModel = "claude-opus-4-1" }, () => "x");

        Assert.Equal("claude-opus-4-1", result.Batch!.Tasks[0].Model);
    }

    [Fact]
    public void CanonicalJson_PromptIsStoredVerbatim()
    {
        var result = Read("""{"id": "b", "tasks": [{"id": "a", "prompt": "Line one\nünïcode \"quoted\""}]}""");

        var json = JsonDocument.Parse(CanonicalJson.Serialize(result.Batch!));

        Assert.Equal("Line one\nünïcode \"quoted\"", json.RootElement.GetProperty("tasks")[0].GetProperty("prompt").GetString());
    }
}
