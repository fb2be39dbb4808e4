using System.Text;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Tests.Validation;

public sealed class ValidDocumentsTests
{
    internal const string DesignSample = """
        {
          "id": "pr-review-2026-11-23",
          "maxParallelRuns": 50,
          "labels": { "team": "safety" },
          "webhook": { "url": "https://hooks.example.com/batches" },
          "defaults": { "timeoutSeconds": 600, "maxAttempts": 3,
            "profile": { "image": "REGION-docker.pkg.dev/PROJECT/runner/runner:1", "cpu": "1", "memory": "2Gi",
                         "env": { "LOG_LEVEL": "info" } } },
          "tasks": [
            { "id": "xss-review", "n": 10, "labels": { "repo": "app" },
              "prompt": "Review this repository for XSS vulnerabilities.",
              "appendSystemPrompt": "You are a careful security reviewer.", "model": "claude-sonnet-4-5",
              "maxTurns": 100, "allowedTools": ["Read", "Grep"],
              "inputs": { "repo": { "git": { "url": "https://github.com/org/app", "ref": "main" } } },
              "flags": { "vuln": { "contains": "vulnerability" }, "verdict": { "jsonPath": "$.flagged", "equals": true } } },
            { "id": "unit-tests", "n": 5,
              "command": "cd input/repo && make test", "preCommand": null, "postCommand": null,
              "inputs": { "repo": { "path": "./my_repo" }, "config.json": { "text": "{\"strict\": true}" },
                          "data": { "gcs": "gs://bucket/datasets/small/" } },
              "pass": { "exitCodes": [0] }, "flag": { "regex": "FLAKY|TIMEOUT" } }
          ]
        }
        """;

    private static IntakeResult Read(string json, BatchLimits? limits = null) =>
        BatchIntake.Read(Encoding.UTF8.GetBytes(json), limits ?? new BatchLimits(), new BatchDefaults(), () => "generated-id");

    [Fact]
    public void Read_DesignSample_IsValidWithTwoTasksAndFifteenRuns()
    {
        var result = Read(DesignSample);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal("pr-review-2026-11-23", result.Batch.Id);
        Assert.Equal([TaskKind.Claude, TaskKind.Command], result.Batch.Tasks.Select(t => t.Kind));
        Assert.Equal(15, result.Batch.TotalRuns);
        Assert.Equal(64, result.Hash.Length);
    }

    [Fact]
    public void Read_SchemaReference_IsAcceptedAndLeavesTheHashAlone()
    {
        const string Body = "\"tasks\": [{\"id\": \"a\", \"command\": \"true\"}]}";

        var with = Read("""{"$schema": "../docs/batch.schema.json", """ + Body);
        var without = Read("{" + Body);

        Assert.True(with.IsValid, string.Join("\n", with.Problems));
        Assert.Equal(without.Hash, with.Hash);
    }

    [Fact]
    public void Read_FlagStreams_AreKeptOnTheRules()
    {
        var result = Read("""{"tasks": [{"id": "a", "command": "x", "flags": {"err": {"contains": "warning", "stream": "stderr"}, "out": {"regex": "ok", "stream": "stdout"}, "json": {"jsonPath": "$.x", "equals": 1, "stream": "response"}}}]}""");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var flags = result.Batch.Tasks[0].Flags;
        Assert.Equal(FlagStream.Stderr, flags["err"].Stream);
        Assert.Equal(FlagStream.Stdout, flags["out"].Stream);
        Assert.Equal(FlagStream.Response, flags["json"].Stream);
    }

    [Fact]
    public void Read_WithoutId_UsesFallback()
    {
        var result = Read("""{"tasks": [{"id": "a", "command": "true"}]}""");

        Assert.True(result.IsValid);
        Assert.Equal("generated-id", result.Batch.Id);
    }

    [Fact]
    public void Read_ValuesAtEveryLimit_AreAccepted()
    {
        var json = $$$"""
            {"id": "{{{new string('a', 64)}}}", "maxParallelRuns": 1000,
             "tasks": [{"id": "t", "n": 1000, "timeoutSeconds": 86400, "maxAttempts": 5,
                        "prompt": "{{{new string('p', 256 * 1024)}}}",
                        "inputs": {"a": {"text": "{{{new string('x', 1024 * 1024)}}}"}},
                        "profile": {"cpu": "8", "memory": "32Gi", "env": {"MAX_THINKING_TOKENS": "1000"} } } ] }
            """;

        var result = Read(json);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }

    [Theory]
    [InlineData("1", "512Mi")]
    [InlineData("1", "4Gi")]
    [InlineData("2", "8Gi")]
    [InlineData("4", "2Gi")]
    [InlineData("4", "16Gi")]
    [InlineData("8", "4Gi")]
    public void Read_CloudRunResourceCombination_IsAccepted(string cpu, string memory)
    {
        var result = Read($$"""{"tasks": [{"id": "a", "command": "x", "profile": {"cpu": "{{cpu}}", "memory": "{{memory}}"} } ] }""");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }

    [Fact]
    public void Read_HttpLoopbackWebhook_AcceptedOnlyWhenAllowed()
    {
        const string json = """{"webhook": {"url": "http://127.0.0.1:8080/hook"}, "tasks": [{"id": "a", "command": "x"}]}""";

        var strict = Read(json);
        var local = Read(json, new BatchLimits { AllowHttpLoopbackWebhook = true });

        Assert.Equal(["webhook.url: Must use https."], strict.Problems.Select(p => p.ToString()));
        Assert.True(local.IsValid);
    }

    [Fact]
    public void Read_HttpNonLoopbackWebhook_RefusedEvenInLocalMode()
    {
        var result = Read("""{"webhook": {"url": "http://hooks.example.com/x"}, "tasks": [{"id": "a", "command": "x"}]}""", new BatchLimits { AllowHttpLoopbackWebhook = true });

        Assert.Equal(["webhook.url: Must use https (http is accepted only to a loopback address in local mode)."], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Read_PathInput_RefusedWhenHostHasNoRoot()
    {
        var result = Read("""{"tasks": [{"id": "a", "command": "x", "inputs": {"r": {"path": "./repo"}}}]}""", new BatchLimits { AllowPathInputs = false });

        Assert.Equal(
            ["tasks[0].inputs.r.path: path inputs are not accepted here; send the folder with PUT /api/inputs/{sha256} (the CLI's submit does it) and name it as a bundle."],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Read_DefaultCommandAndTaskPrompt_TaskWins()
    {
        var result = Read("""{"defaults": {"command": "make test"}, "tasks": [{"id": "a"}, {"id": "b", "prompt": "review"}]}""");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal("make test", result.Batch.Tasks[0].Command);
        Assert.Equal(TaskKind.Claude, result.Batch.Tasks[1].Kind);
        Assert.Null(result.Batch.Tasks[1].Command);
    }

    [Fact]
    public void Read_ClaudeDefaultsOnCommandTask_AreDroppedNotRefused()
    {
        var result = Read("""{"defaults": {"model": "claude-opus-4-1", "maxTurns": 5}, "tasks": [{"id": "a", "command": "x"}, {"id": "b", "prompt": "y"}]}""");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Null(result.Batch.Tasks[0].Model);
        Assert.Equal("claude-opus-4-1", result.Batch.Tasks[1].Model);
        Assert.Equal(5, result.Batch.Tasks[1].MaxTurns);
    }

    [Fact]
    public void Validate_SlowRegexPatternWithinLimit_CompilesLinear()
    {
        // (a+)+$ is the classic catastrophic pattern for backtracking engines; NonBacktracking accepts it
        // and matches in linear time, so it is allowed rather than refused.
        var result = Read("""{"tasks": [{"id": "a", "command": "x", "flag": {"regex": "(a+)+$"}}]}""");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }
}
