using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Specs;

namespace Orchestration.Runner.Tests;

public abstract class ClaudeRunTests(RunnerImplementation implementation) : IDisposable
{
    private readonly RunnerHarness _harness = new(implementation);

    private string ArgsFile => Path.Combine(_harness.Root, "claude-args.json");

    [Fact]
    public async Task Run_ClaudeSuccess_SummaryVersionAndModelRecorded()
    {
        _harness.Environment["CLAUDE_STANDIN_REPLY"] = "The answer is 42.";
        _harness.WriteSpec(RunnerHarness.ClaudeSpec("What is the answer?"));

        var outcome = await _harness.RunAsync();

        Assert.Equal(0, outcome.ExitCode);
        var result = _harness.ReadResult();
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Termination.None, result.Termination);
        Assert.Equal("2.0.0-standin", result.Claude!.Version);
        Assert.Equal("claude-sonnet-4-5", result.Claude.Model);
        var summary = result.Claude.Summary!;
        Assert.Equal("success", summary.Subtype);
        Assert.False(summary.IsError);
        Assert.Equal(2, summary.NumTurns);
        Assert.Equal(0.0123m, summary.TotalCostUsd);
        Assert.Equal("The answer is 42.", summary.Result);
        Assert.False(string.IsNullOrEmpty(summary.SessionId));
        Assert.Equal(new ClaudeUsage { InputTokens = 12, OutputTokens = 345, CacheCreationInputTokens = 1500, CacheReadInputTokens = 3000 }, summary.Usage);
        Assert.Equal("The answer is 42.", _harness.ReadAttemptObject(RunnerContract.ResponseObject));
        Assert.Equal(new OutputCapture(17, false), result.Response);
        var transcript = _harness.ReadAttemptObject(RunnerContract.TranscriptObject).TrimEnd('\n').Split('\n');
        Assert.Equal(["system", "assistant", "result"], transcript.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()));
        Assert.Contains("claude stand-in: started", _harness.ReadAttemptObject(RunnerContract.StderrObject), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ClaudeSettings_BecomeFlagsWithToolListsAsOneValueEach()
    {
        _harness.Environment["CLAUDE_STANDIN_ARGS_FILE"] = ArgsFile;
        _harness.WriteSpec(RunnerHarness.ClaudeSpec("Go.", new ClaudeSpec(
            "claude-opus-4-1", 5, null, "Be brief.", ["Read", "Bash(git log:*)", "Edit"], ["WebFetch", "WebSearch"], 1.5m)));

        await _harness.RunAsync();

        using var recorded = JsonDocument.Parse(await File.ReadAllTextAsync(ArgsFile));
        var args = recorded.RootElement.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToList();
        Assert.Equal("-p", args[0]);
        AssertFlag(args, "--output-format", "stream-json");
        Assert.Contains("--verbose", args);
        AssertFlag(args, "--model", "claude-opus-4-1");
        AssertFlag(args, "--max-turns", "5");
        AssertFlag(args, "--max-budget-usd", "1.5");
        AssertFlag(args, "--append-system-prompt", "Be brief.");
        Assert.DoesNotContain("--system-prompt", args);
        AssertFlag(args, "--allowedTools", "Read,Bash(git log:*),Edit");
        AssertFlag(args, "--disallowedTools", "WebFetch,WebSearch");
        AssertFlag(args, "--permission-mode", "acceptEdits");
        Assert.DoesNotContain("--dangerously-skip-permissions", args);
        Assert.DoesNotContain("Go.", args);
        Assert.Equal(_harness.Workspace, recorded.RootElement.GetProperty("cwd").GetString());
    }

    [Fact]
    public async Task Run_SkipPermissionsSwitch_BypassesOnlyWhenNotRoot()
    {
        _harness.Environment["CLAUDE_STANDIN_ARGS_FILE"] = ArgsFile;
        _harness.Environment["RUNNER_CLAUDE_SKIP_PERMISSIONS"] = "1";
        _harness.WriteSpec(RunnerHarness.ClaudeSpec("Go.", new ClaudeSpec("m", null, "You are a tester.", null, [], [], null)));

        await _harness.RunAsync();

        var args = JsonDocument.Parse(await File.ReadAllTextAsync(ArgsFile)).RootElement.GetProperty("args")
            .EnumerateArray().Select(a => a.GetString()!).ToList();
        AssertFlag(args, "--system-prompt", "You are a tester.");
        Assert.DoesNotContain("--allowedTools", args);
        if (Environment.IsPrivilegedProcess)
        {
            AssertFlag(args, "--permission-mode", "acceptEdits");
            Assert.DoesNotContain("--dangerously-skip-permissions", args);
        }
        else
        {
            Assert.Contains("--dangerously-skip-permissions", args);
            Assert.DoesNotContain("--permission-mode", args);
        }
    }

    [Fact]
    public async Task Run_PromptOf200KiB_ArrivesIntactOnStdin()
    {
        var line = "Ünïcödé prompt line with \"quotes\", $dollars and `ticks` — ";
        var builder = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(builder.ToString()) < 200 * 1024)
        {
            builder.Append(line).Append(builder.Length).Append('\n');
        }

        var prompt = builder.ToString();
        var promptFile = Path.Combine(_harness.Root, "prompt-received.txt");
        _harness.Environment["CLAUDE_STANDIN_PROMPT_FILE"] = promptFile;
        _harness.Environment["CLAUDE_STANDIN_ARGS_FILE"] = ArgsFile;
        _harness.WriteSpec(RunnerHarness.ClaudeSpec(prompt));

        await _harness.RunAsync();

        var received = await File.ReadAllBytesAsync(promptFile);
        Assert.True(received.Length >= 200 * 1024);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(prompt)), SHA256.HashData(received));
        Assert.Equal(Termination.None, _harness.ReadResult().Termination);
    }

    [Fact]
    public async Task Run_ClaudeReachesMaxTurns_SummaryRecordsErrorMaxTurns()
    {
        _harness.Environment["CLAUDE_STANDIN_MODE"] = "max_turns";
        _harness.WriteSpec(RunnerHarness.ClaudeSpec("Loop.", new ClaudeSpec("m", 3, null, null, [], [], null)));

        var outcome = await _harness.RunAsync();

        Assert.Equal(0, outcome.ExitCode);
        var result = _harness.ReadResult();
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error_max_turns", result.Claude!.Summary!.Subtype);
        Assert.Equal(4, result.Claude.Summary.NumTurns);
        Assert.Null(result.Claude.Summary.Result);
        Assert.Equal(new OutputCapture(0, false), result.Response);
    }

    [Fact]
    public async Task Run_ClaudeApiError_SummaryCarriesIsErrorAndTheApiText()
    {
        _harness.Environment["CLAUDE_STANDIN_MODE"] = "api_error";
        _harness.WriteSpec(RunnerHarness.ClaudeSpec("Hello."));

        await _harness.RunAsync();

        var summary = _harness.ReadResult().Claude!.Summary!;
        Assert.True(summary.IsError);
        Assert.StartsWith("API Error: 529", summary.Result, StringComparison.Ordinal);
        Assert.Contains("overloaded_error", _harness.ReadAttemptObject(RunnerContract.ResponseObject), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ClaudeErrorDuringExecution_ReasonCarriesTheScrubbedErrors()
    {
        // Arrange: Claude reports its failure in errors[], one entry quoting the key it was given.
        const string key = "sk-ant-api03-runner-test-KEY-0123456789";
        _harness.Environment["ANTHROPIC_API_KEY"] = key;
        _harness.Environment["CLAUDE_STANDIN_MODE"] = "during_execution";
        _harness.Environment["CLAUDE_STANDIN_ERRORS"] = $"[\"Error: request with key {key} was aborted\", \"Tool Bash failed: exit 2\"]";
        _harness.WriteSpec(RunnerHarness.ClaudeSpec("Hello."));

        // Act
        var outcome = await _harness.RunAsync();
        var result = _harness.ReadResult();
        var judgement = Judge.Evaluate(JudgedTasks.Of(TaskKind.Claude), result, _harness.ReadAttemptObject(RunnerContract.ResponseObject));

        // Assert
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("error_during_execution", result.Claude!.Summary!.Subtype);
        Assert.Equal(RunOutcome.Errored, judgement.Outcome);
        Assert.Equal("Claude Code failed during execution: Error: request with key [REDACTED] was aborted; Tool Bash failed: exit 2", judgement.Reason);
        Assert.DoesNotContain(key, _harness.ReadAttemptObject(RunnerContract.ResultObject), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ClaudeCrashesWithoutSummary_ResultHasNoSummary()
    {
        _harness.Environment["CLAUDE_STANDIN_MODE"] = "crash";
        _harness.WriteSpec(RunnerHarness.ClaudeSpec("Hello."));

        var outcome = await _harness.RunAsync();

        Assert.Equal(0, outcome.ExitCode);
        var result = _harness.ReadResult();
        Assert.Equal(2, result.ExitCode);
        Assert.NotNull(result.Claude);
        Assert.Null(result.Claude.Summary);
        Assert.Contains("crashed before any summary", _harness.ReadAttemptObject(RunnerContract.StderrObject), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SlowClaudePastDeadline_RecordsTimeoutWithPartialTranscript()
    {
        // A timeout long enough for the stand-in to write its first transcript line on a loaded machine,
        // and far below its sleep, so only the deadline can end it.
        _harness.Environment["CLAUDE_STANDIN_SLEEP"] = "90";
        _harness.WriteSpec(RunnerHarness.ClaudeSpec("Slow.") with { TimeoutSeconds = 12 });

        var outcome = await _harness.RunAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(0, outcome.ExitCode);
        Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(40), $"took {outcome.Elapsed}");
        var result = _harness.ReadResult();
        Assert.Equal(Termination.Timeout, result.Termination);
        Assert.Null(result.Claude!.Summary);
        Assert.Contains("\"subtype\":\"init\"", _harness.ReadAttemptObject(RunnerContract.TranscriptObject), StringComparison.Ordinal);
    }

    private static void AssertFlag(List<string> args, string flag, string value)
    {
        Assert.Equal(1, args.Count(a => a == flag));
        var at = args.IndexOf(flag);
        Assert.True(at + 1 < args.Count, $"{flag} has no value");
        Assert.Equal(value, args[at + 1]);
    }

    public void Dispose() => _harness.Dispose();

    /// <summary>The cases against runner/runner.sh.</summary>
    public sealed class Script() : ClaudeRunTests(RunnerImplementation.Script);

    /// <summary>The cases against the native executor.</summary>
    public sealed class Native() : ClaudeRunTests(RunnerImplementation.Native);
}
