using System.Net;
using System.Text;
using Orchestration.Activities.Stores;

namespace Orchestration.Api.Tests;

/// <summary>One host that only ever receives bad submissions, so its batch store and engine must stay empty.</summary>
public sealed class MalformedHostFixture : IAsyncLifetime
{
    public ApiHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class MalformedSubmissionTests(MalformedHostFixture fixture) : IClassFixture<MalformedHostFixture>
{
    private const string Ok = """{"id": "a", "command": "x"}""";

    public static TheoryData<string, string, string[]> Cases() => new()
    {
        { "broken JSON", """{"tasks": [""", ["$"] },
        { "empty body", "", ["$"] },
        { "plain text", "hello", ["$"] },
        { "truncated string", """{"tasks": [{"id": "a""", ["$"] },
        { "not an object", """[1,2]""", ["$"] },
        { "unknown top-level field", """{"taks": []}""", ["taks", "tasks"] },
        { "unknown task field", """{"tasks": [{"id": "a", "command": "x", "comand": "y"}]}""", ["tasks[0].comand"] },
        { "unknown rule field", """{"tasks": [{"id": "a", "command": "x", "flag": {"contain": "x"}}]}""", ["tasks[0].flag.contain", "tasks[0].flag"] },
        { "PascalCase field", """{"Tasks": []}""", ["Tasks", "tasks"] },
        { "three problems in three places", """{"tasks": [{"id": "a", "command": "x", "comand": "y"}, {"id": "b", "command": "x", "n": "5"}, {"id": "c", "command": "x", "timeoutSeconds": 0}]}""", ["tasks[0].comand", "tasks[1].n", "tasks[2].timeoutSeconds"] },
        { "n as a string", """{"tasks": [{"id": "a", "command": "x", "n": "5"}]}""", ["tasks[0].n"] },
        { "n fractional", """{"tasks": [{"id": "a", "command": "x", "n": 1.5}]}""", ["tasks[0].n"] },
        { "kind unknown", """{"tasks": [{"id": "a", "kind": "shell", "command": "x"}]}""", ["tasks[0].kind"] },
        { "duplicate property", """{"tasks": [{"id": "a", "id": "b", "command": "x"}]}""", ["tasks[0].id"] },
        { "deep nesting", """{"tasks": [{"id": "a", "command": "x", "flag": {"jsonPath": "$.x", "equals": """ + new string('[', 40) + new string(']', 40) + "}}]}", ["tasks[0].flag.equals"] },
        { "no tasks", """{"id": "b1"}""", ["tasks"] },
        { "empty tasks", """{"tasks": []}""", ["tasks"] },
        { "null task", """{"tasks": [null]}""", ["tasks[0]"] },
        { "bad batch id", """{"id": "-x", "tasks": [""" + Ok + "]}", ["id"] },
        { "batch id with slash", """{"id": "a/../b", "tasks": [""" + Ok + "]}", ["id"] },
        { "batch id with trailing newline", "{\"id\": \"abc\\n\", \"tasks\": [" + Ok + "]}", ["id"] },
        { "batch id 65 chars", $$"""{"id": "{{new string('a', 65)}}", "tasks": [{{Ok}}]}""", ["id"] },
        { "unicode lookalike task id", """{"tasks": [{"id": "tаsk", "command": "x"}]}""", ["tasks[0].id"] },
        { "task without id", """{"tasks": [{"command": "x"}]}""", ["tasks[0].id"] },
        { "duplicate task ids ignoring case", """{"tasks": [{"id": "a", "command": "x"}, {"id": "A", "command": "y"}]}""", ["tasks[1].id"] },
        { "neither command nor prompt", """{"tasks": [{"id": "a"}]}""", ["tasks[0]"] },
        { "both command and prompt", """{"tasks": [{"id": "a", "command": "x", "prompt": "y"}]}""", ["tasks[0]"] },
        { "empty command", """{"tasks": [{"id": "a", "command": "  "}]}""", ["tasks[0].command"] },
        { "oversized prompt", $$"""{"tasks": [{"id": "a", "prompt": "{{new string('p', (256 * 1024) + 1)}}"}]}""", ["tasks[0].prompt"] },
        { "n zero", """{"tasks": [{"id": "a", "command": "x", "n": 0}]}""", ["tasks[0].n"] },
        { "n too large", """{"tasks": [{"id": "a", "command": "x", "n": 1001}]}""", ["tasks[0].n"] },
        { "too many runs", """{"defaults": {"n": 1000}, "tasks": [""" + string.Join(", ", Enumerable.Range(0, 11).Select(i => "{\"id\": \"t" + i + "\", \"command\": \"x\"}")) + "]}", ["tasks"] },
        { "timeout over 24 h", """{"tasks": [{"id": "a", "command": "x", "timeoutSeconds": 86401}]}""", ["tasks[0].timeoutSeconds"] },
        { "maxAttempts 6", """{"tasks": [{"id": "a", "command": "x", "maxAttempts": 6}]}""", ["tasks[0].maxAttempts"] },
        { "maxParallelRuns 0", """{"maxParallelRuns": 0, "tasks": [""" + Ok + "]}", ["maxParallelRuns"] },
        { "traversal input name", """{"tasks": [{"id": "a", "command": "x", "inputs": {"../etc": {"text": "x"}}}]}""", ["tasks[0].inputs['../etc']"] },
        { "absolute input name", """{"tasks": [{"id": "a", "command": "x", "inputs": {"/etc/passwd": {"text": "x"}}}]}""", ["tasks[0].inputs['/etc/passwd']"] },
        { "NUL in input name", """{"tasks": [{"id": "a", "command": "x", "inputs": {"a\u0000b": {"text": "x"}}}]}""", ["tasks[0].inputs['a\\u0000b']"] },
        { "input with two sources", """{"tasks": [{"id": "a", "command": "x", "inputs": {"f": {"text": "x", "base64": "eA=="}}}]}""", ["tasks[0].inputs.f"] },
        { "bad base64", """{"tasks": [{"id": "a", "command": "x", "inputs": {"f": {"base64": "not base64!"}}}]}""", ["tasks[0].inputs.f.base64"] },
        { "git over ssh", """{"tasks": [{"id": "a", "command": "x", "inputs": {"r": {"git": {"url": "git@github.com:o/r.git"}}}}]}""", ["tasks[0].inputs.r.git.url"] },
        { "git url with a token", """{"tasks": [{"id": "a", "command": "x", "inputs": {"r": {"git": {"url": "https://x:tok@github.com/o/r"}}}}]}""", ["tasks[0].inputs.r.git.url"] },
        { "git ref option injection", """{"tasks": [{"id": "a", "command": "x", "inputs": {"r": {"git": {"url": "https://github.com/o/r", "ref": "--upload-pack=x"}}}}]}""", ["tasks[0].inputs.r.git.ref"] },
        { "bundle not a sha256", """{"tasks": [{"id": "a", "command": "x", "inputs": {"b": {"bundle": "ABC"}}}]}""", ["tasks[0].inputs.b.bundle"] },
        { "secret-looking env name", """{"tasks": [{"id": "a", "command": "x", "profile": {"env": {"GITHUB_TOKEN": "abc"}}}]}""", ["tasks[0].profile.env.GITHUB_TOKEN"] },
        { "secret-looking env value", """{"defaults": {"profile": {"env": {"CONFIG": "sk-ant-api03-abcdef"}}}, "tasks": [""" + Ok + "]}", ["defaults.profile.env.CONFIG"] },
        { "AWS key value", """{"tasks": [{"id": "a", "command": "x", "profile": {"env": {"AWS_ID": "AKIAIOSFODNN7EXAMPLE"}}}]}""", ["tasks[0].profile.env.AWS_ID"] },
        { "runner env override", """{"tasks": [{"id": "a", "command": "x", "profile": {"env": {"RUN_PREFIX": "x"}}}]}""", ["tasks[0].profile.env.RUN_PREFIX"] },
        { "regex with backreference", """{"tasks": [{"id": "a", "command": "x", "flags": {"dup": {"regex": "(a)\\1"}}}]}""", ["tasks[0].flags.dup.regex"] },
        { "slow regex too long", "{\"tasks\": [{\"id\": \"a\", \"command\": \"x\", \"flag\": {\"regex\": \"" + string.Concat(Enumerable.Repeat("(a+)+", 201)) + "\"}}]}", ["tasks[0].flag.regex"] },
        { "invalid regex", """{"tasks": [{"id": "a", "command": "x", "flag": {"regex": "(unclosed"}}]}""", ["tasks[0].flag.regex"] },
        { "verdict file outside output", """{"tasks": [{"id": "a", "command": "x", "flag": {"verdictFile": "../verdict.json"}}]}""", ["tasks[0].flag.verdictFile"] },
        { "http webhook", """{"webhook": {"url": "http://hooks.example.com/x"}, "tasks": [""" + Ok + "]}", ["webhook.url"] },
        { "webhook with credentials", """{"webhook": {"url": "https://u:p@hooks.example.com/x"}, "tasks": [""" + Ok + "]}", ["webhook.url"] },
        { "bad label name", """{"labels": {"a b": "c"}, "tasks": [""" + Ok + "]}", ["labels['a b']"] },
        { "several problems at once", """{"id": "bad id", "tasks": [{"id": "a", "command": "x", "n": 0}, {"id": "b", "prompt": "", "maxAttempts": 9}]}""", ["id", "tasks[0].n", "tasks[1].prompt", "tasks[1].maxAttempts"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Submit_Malformed_ProblemWithEveryPathAndNothingStarted(string name, string json, string[] paths)
    {
        // Act
        using var response = await fixture.Host.SubmitAsync(json);

        // Assert
        var problem = await BatchLifecycleTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, paths);
        Assert.All(problem.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("message").GetString()), name));
        await AssertNothingStartedAsync();
    }

    [Fact]
    public async Task Submit_SecretValue_NotEchoed()
    {
        // Act
        using var response = await fixture.Host.SubmitAsync("""{"tasks": [{"id": "a", "command": "x", "profile": {"env": {"X": "ghp_abcdefghijklmnop1234"}}}]}""");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("ghp_abcdefghijklmnop1234", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNothingStartedAsync();
    }

    [Fact]
    public async Task Submit_OversizedBody_413WithAndWithoutContentLength()
    {
        // Arrange
        var json = """{"tasks": [{"id": "a", "command": "x"}], "labels": {"pad": """ + "\"" + new string('x', (4 * 1024 * 1024) + 10) + "\"}}";

        // Act
        using var sized = await fixture.Host.SubmitAsync(json);
        using var chunked = await fixture.Host.Http.PostAsync("/api/batches", new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json))));

        // Assert
        await BatchLifecycleTests.AssertProblemAsync(sized, HttpStatusCode.RequestEntityTooLarge);
        await BatchLifecycleTests.AssertProblemAsync(chunked, HttpStatusCode.RequestEntityTooLarge);
        await AssertNothingStartedAsync();
    }

    [Fact]
    public void Cases_AtLeastForty() => Assert.True(Cases().Count >= 40);

    private async Task AssertNothingStartedAsync()
    {
        Assert.Empty((await fixture.Host.Batches.ListAsync(new BatchQuery())).Items);
        Assert.Equal(0, await fixture.Host.InstanceCountAsync());
        Assert.Empty(fixture.Host.Jobs.Executions);
    }
}
