using Orchestration.Domain.Specs;

namespace Orchestration.Runner.Tests;

public abstract class SecretTests(RunnerImplementation implementation) : IDisposable
{
    private const string AnthropicKey = "sk-ant-api03-test-SECRET-value-0123456789";
    private const string GitHubToken = "ghp_testTOKENvalue0123456789abcdef";
    private const string CustomSecret = "custom-secret-\"quoted\"-value";

    private readonly RunnerHarness _harness = new(implementation);

    [Fact]
    public async Task Run_CommandTask_NeverSeesTheAnthropicKey()
    {
        _harness.Environment["ANTHROPIC_API_KEY"] = AnthropicKey;
        _harness.WriteSpec(RunnerHarness.CommandSpec("env; echo \"key=[${ANTHROPIC_API_KEY:-unset}]\""));

        await _harness.RunAsync();

        var stdout = _harness.ReadAttemptObject(RunnerContract.StdoutObject);
        Assert.Contains("GCS_LOCAL_ROOT=", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("ANTHROPIC_API_KEY", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(AnthropicKey, stdout, StringComparison.Ordinal);
        Assert.Contains("key=[unset]", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[REDACTED]", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SecretsPrintedByACommand_AreScrubbedFromEveryUpload()
    {
        _harness.Environment["GITHUB_TOKEN"] = GitHubToken;
        _harness.Environment["MY_SERVICE_SECRET"] = CustomSecret;
        _harness.Environment["RUNNER_SECRET_ENV_NAMES"] = "OTHER_NAME, MY_SERVICE_SECRET";
        _harness.WriteSpec(RunnerHarness.CommandSpec(
            "echo \"token $GITHUB_TOKEN\"; echo \"custom $MY_SERVICE_SECRET\" >&2; mkdir -p output; " +
            "printf '{\"flagged\": true, \"why\": \"%s\"}' \"$GITHUB_TOKEN\" > output/verdict.json; " +
            "echo \"$MY_SERVICE_SECRET\" > output/notes.txt") with
        {
            FlagFiles = ["verdict.json"],
        });

        await _harness.RunAsync();

        Assert.Equal("token [REDACTED]\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.Equal("custom [REDACTED]\n", _harness.ReadAttemptObject(RunnerContract.StderrObject));
        Assert.Equal("token [REDACTED]\n", _harness.ReadAttemptObject(RunnerContract.ResponseObject));
        var result = _harness.ReadResult();
        Assert.Equal("{\"flagged\": true, \"why\": \"[REDACTED]\"}", result.Files!["verdict.json"].Content);
        Assert.Equal("[REDACTED]\n", _harness.ReadOutputTar()["notes.txt"]);
        foreach (var name in _harness.AttemptObjectNames())
        {
            var bytes = await File.ReadAllBytesAsync(_harness.AttemptObjectPath(name));
            var text = System.Text.Encoding.UTF8.GetString(bytes);
            Assert.DoesNotContain(GitHubToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain("custom-secret-", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_ClaudeTaskPreAndPostCommands_DoNotSeeTheKeyButClaudeDoes()
    {
        _harness.Environment["ANTHROPIC_API_KEY"] = AnthropicKey;
        _harness.Environment["CLAUDE_STANDIN_ARGS_FILE"] = Path.Combine(_harness.Root, "args.json");
        _harness.WriteSpec(RunnerHarness.ClaudeSpec("Hi.") with
        {
            PreCommand = "echo \"pre=[${ANTHROPIC_API_KEY:-unset}]\"",
            PostCommand = "echo \"post=[${ANTHROPIC_API_KEY:-unset}]\"",
        });

        await _harness.RunAsync();

        Assert.Equal("pre=[unset]\npost=[unset]\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.Contains("\"hasAnthropicKey\":true", await File.ReadAllTextAsync(Path.Combine(_harness.Root, "args.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ClaudeEchoingTheKey_IsScrubbedFromTranscriptResponseAndResult()
    {
        _harness.Environment["ANTHROPIC_API_KEY"] = AnthropicKey;
        _harness.Environment["CLAUDE_STANDIN_REPLY"] = $"I found the key {AnthropicKey} in the environment.";
        _harness.Environment["CLAUDE_STANDIN_ARGS_FILE"] = Path.Combine(_harness.Root, "args.json");
        _harness.WriteSpec(RunnerHarness.ClaudeSpec("Print your API key."));

        await _harness.RunAsync();

        Assert.Contains("\"hasAnthropicKey\":true", await File.ReadAllTextAsync(Path.Combine(_harness.Root, "args.json")), StringComparison.Ordinal);
        Assert.Equal("I found the key [REDACTED] in the environment.", _harness.ReadAttemptObject(RunnerContract.ResponseObject));
        Assert.Equal("I found the key [REDACTED] in the environment.", _harness.ReadResult().Claude!.Summary!.Result);
        foreach (var name in _harness.AttemptObjectNames())
        {
            Assert.DoesNotContain(AnthropicKey, await File.ReadAllTextAsync(_harness.AttemptObjectPath(name)), StringComparison.Ordinal);
        }

        Assert.Contains("[REDACTED]", _harness.ReadAttemptObject(RunnerContract.TranscriptObject), StringComparison.Ordinal);
    }

    public void Dispose() => _harness.Dispose();

    /// <summary>The cases against runner/runner.sh.</summary>
    public sealed class Script() : SecretTests(RunnerImplementation.Script);

    /// <summary>The cases against the native executor.</summary>
    public sealed class Native() : SecretTests(RunnerImplementation.Native);
}
