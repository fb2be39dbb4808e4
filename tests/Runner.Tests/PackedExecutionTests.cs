using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Specs;

namespace Orchestration.Runner.Tests;

/// <summary>Packed executions (runner/README.md, "Packed executions"): tasks of one Cloud Run execution, each taking its
/// attempt from a line of the pack manifest. Script only: the native executor keeps one process per attempt and does
/// not read manifests.</summary>
public abstract partial class PackedExecutionTests(RunnerImplementation implementation) : IDisposable
{
    private const string SecondExecution = "jobs/runner-abc/executions/exec-2";
    private const string SecondPrefix = "runs/b1/n1/t1/1/a2/";

    private readonly RunnerHarness _harness = new(implementation);

    /// <summary>A manifest with two runs of task t1: run 0 attempt 1 (the harness's own prefix), run 1 attempt 2.</summary>
    private void WriteTwoRunManifest() => _harness.WritePackManifest(
        _harness.PackLine("b1:t1:r0", 1, RunnerHarness.DefaultSpecName, RunnerHarness.DefaultPrefixName),
        _harness.PackLine("b1:t1:r1", 2, RunnerHarness.DefaultSpecName, SecondPrefix));

    private RunResult ReadResultUnder(string prefixName)
    {
        var path = _harness.ObjectPath(prefixName + RunnerContract.ResultObject);
        Assert.True(File.Exists(path), $"no result.json under {prefixName}");
        var ok = RunResultJson.TryParse(File.ReadAllText(path), out var result, out var error);
        Assert.True(ok, error);
        return result!;
    }

    private JsonDocument ReadJsonUnder(string prefixName, string objectName) =>
        JsonDocument.Parse(File.ReadAllText(_harness.ObjectPath(prefixName + objectName)));

    [Fact]
    public async Task Run_TwoTasksOfOnePack_EachWorksItsOwnRun()
    {
        // Arrange
        _harness.WriteSpec(RunnerHarness.CommandSpec("echo \"$RUN_PREFIX attempt $RUN_ATTEMPT\"; touch ran"));
        WriteTwoRunManifest();
        _harness.UsePack(taskIndex: 0, taskCount: 2);

        // Act: both tasks at once, each in its own workspace, as Cloud Run runs them.
        var outcomes = await Task.WhenAll(
            _harness.RunAsync(overrides: _harness.TaskOverrides(0)),
            _harness.RunAsync(overrides: _harness.TaskOverrides(1)));

        // Assert
        Assert.All(outcomes, o => Assert.Equal(0, o.ExitCode));
        var runs = new[] { (Prefix: RunnerHarness.DefaultPrefixName, Attempt: 1), (Prefix: SecondPrefix, Attempt: 2) };
        for (var task = 0; task < runs.Length; task++)
        {
            var (prefix, attempt) = runs[task];
            Assert.Equal(
                [RunnerContract.ClaimObject, RunnerContract.OutputObject, RunnerContract.ResponseObject, RunnerContract.ResultObject, RunnerContract.StderrObject, RunnerContract.StdoutObject],
                _harness.AttemptObjectNamesUnder(prefix));
            using var claim = ReadJsonUnder(prefix, RunnerContract.ClaimObject);
            Assert.Equal(RunnerHarness.Execution, claim.RootElement.GetProperty("execution").GetString());
            Assert.Equal(task, claim.RootElement.GetProperty("taskIndex").GetInt32());
            Assert.Equal(Termination.None, ReadResultUnder(prefix).Termination);
            using var result = ReadJsonUnder(prefix, RunnerContract.ResultObject);
            Assert.Equal(RunnerHarness.Execution, result.RootElement.GetProperty("execution").GetString());
            Assert.Equal(task, result.RootElement.GetProperty("taskIndex").GetInt32());
            Assert.Equal(attempt, result.RootElement.GetProperty("attempt").GetInt32());
            Assert.Equal(
                $"{_harness.GsUri(prefix)} attempt {attempt}\n",
                File.ReadAllText(_harness.ObjectPath(prefix + RunnerContract.StdoutObject)));
            Assert.True(File.Exists(Path.Combine(_harness.TaskOverrides(task)["RUNNER_WORKSPACE"]!, "ran")));
        }
    }

    [Fact]
    public async Task Run_SecondExecutionOfTheSamePack_LosesEveryClaimAndWritesNothing()
    {
        // Arrange: the first execution of the pack worked both runs.
        _harness.WriteSpec(RunnerHarness.CommandSpec("echo worked; touch ran"));
        WriteTwoRunManifest();
        _harness.UsePack(taskIndex: 0, taskCount: 2);
        foreach (var first in await Task.WhenAll(
            _harness.RunAsync(overrides: _harness.TaskOverrides(0)),
            _harness.RunAsync(overrides: _harness.TaskOverrides(1))))
        {
            Assert.Equal(0, first.ExitCode);
        }

        var before = _harness.BucketSnapshot();

        // Act: a second execution of the same manifest (an ambiguous :run started twice).
        var duplicates = await Task.WhenAll(
            _harness.RunAsync(overrides: _harness.TaskOverrides(0, SecondExecution)),
            _harness.RunAsync(overrides: _harness.TaskOverrides(1, SecondExecution)));

        // Assert
        Assert.All(duplicates, o =>
        {
            Assert.Equal(0, o.ExitCode);
            Assert.Contains("duplicate execution", o.Stderr, StringComparison.Ordinal);
        });
        AssertSameBucket(before, _harness.BucketSnapshot());
        for (var task = 0; task < 2; task++)
        {
            Assert.False(File.Exists(Path.Combine(_harness.TaskOverrides(task, SecondExecution)["RUNNER_WORKSPACE"]!, "ran")));
        }
    }

    [Fact]
    public async Task Run_ClaimNamingAnotherTaskOfThisExecution_IsADuplicate()
    {
        // Arrange: task 1 of this very execution holds the claim of the attempt task 0 was given.
        var claim = $"{{\"execution\":\"{RunnerHarness.Execution}\",\"taskIndex\":1,\"startedAt\":\"2026-01-01T00:00:00Z\"}}";
        _harness.PutObject(RunnerHarness.DefaultPrefixName + RunnerContract.ClaimObject, Encoding.UTF8.GetBytes(claim));
        _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran"));
        _harness.WritePackManifest(_harness.PackLine("b1:t1:r0", 1, RunnerHarness.DefaultSpecName, RunnerHarness.DefaultPrefixName));
        _harness.UsePack(taskIndex: 0, taskCount: 1);

        // Act
        var outcome = await _harness.RunAsync();

        // Assert
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains($"claimed by {RunnerHarness.Execution} task 1", outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal([RunnerContract.ClaimObject], _harness.AttemptObjectNames());
        Assert.Equal(claim, _harness.ReadAttemptObject(RunnerContract.ClaimObject));
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
    }

    [Fact]
    public async Task Run_ClaimNamingThisTaskOfThisExecution_ProceedsAsARetriedTask()
    {
        // Arrange: the claim was stored by this task before (Cloud Run retried the task, or gcloud its upload).
        var claim = $"{{\"execution\":\"{RunnerHarness.Execution}\",\"taskIndex\":0,\"startedAt\":\"2026-01-01T00:00:00Z\"}}";
        _harness.PutObject(RunnerHarness.DefaultPrefixName + RunnerContract.ClaimObject, Encoding.UTF8.GetBytes(claim));
        _harness.WriteSpec(RunnerHarness.CommandSpec("echo ran"));
        _harness.WritePackManifest(_harness.PackLine("b1:t1:r0", 1, RunnerHarness.DefaultSpecName, RunnerHarness.DefaultPrefixName));
        _harness.UsePack(taskIndex: 0, taskCount: 1);

        // Act
        var outcome = await _harness.RunAsync();

        // Assert
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(Termination.None, _harness.ReadResult().Termination);
        Assert.Equal("ran\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
    }

    /// <summary>The refusals of a packed task: each leaves the bucket as it was and runs nothing.</summary>
    public static TheoryData<string> Refusals => [.. RefusalCases.Keys];

    private static readonly Dictionary<string, Refusal> RefusalCases = new(StringComparer.Ordinal)
    {
        ["task-index-past-the-manifest"] = new(2, 3, "has no line 2", "b1:t1:r0\t1\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://bkt/runs/b1/n1/t1/0/a1/\n"
            + "b1:t1:r1\t1\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://bkt/runs/b1/n1/t1/1/a1/\n"),
        ["line-without-its-line-break"] = new(0, 1, "has no line 0", "b1:t1:r0\t1\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://bkt/runs/b1/n1/t1/0/a1/"),
        ["three-fields"] = new(0, 1, "3 tab-separated fields, not 4", "b1:t1:r0\t1\tgs://bkt/runs/b1/n1/t1/0/a1/\n"),
        ["attempt-not-a-number"] = new(0, 1, "is not a positive integer", "b1:t1:r0\tone\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://bkt/runs/b1/n1/t1/0/a1/\n"),
        ["attempt-zero"] = new(0, 1, "is not a positive integer", "b1:t1:r0\t0\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://bkt/runs/b1/n1/t1/0/a0/\n"),
        ["prefix-of-another-batch"] = new(0, 1, "the manifest's own batch", "b1:t1:r0\t1\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://bkt/runs/b2/n1/t1/0/a1/\n"),
        ["prefix-of-another-submission"] = new(0, 1, "the manifest's own batch", "b1:t1:r0\t1\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://bkt/runs/b1/n2/t1/0/a1/\n"),
        ["prefix-in-another-bucket"] = new(0, 1, "the manifest's own batch", "b1:t1:r0\t1\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://other/runs/b1/n1/t1/0/a1/\n"),
        ["prefix-climbing-out"] = new(0, 1, "the manifest's own batch", "b1:t1:r0\t1\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://bkt/runs/b1/n1/../../b2/n1/0/a1/\n"),
        ["prefix-without-trailing-slash"] = new(0, 1, "the manifest's own batch", "b1:t1:r0\t1\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://bkt/runs/b1/n1/t1/0/a1\n"),
        ["spec-of-another-batch"] = new(0, 1, "not a spec.json under the manifest's own", "b1:t1:r0\t1\tgs://bkt/runs/b2/n1/t1/spec.json\tgs://bkt/runs/b1/n1/t1/0/a1/\n"),
        ["attempt-and-prefix-disagree"] = new(0, 1, "attempt 2 does not match the prefix", "b1:t1:r0\t2\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://bkt/runs/b1/n1/t1/0/a1/\n"),
        ["manifest-absent"] = new(0, 1, "could not read the pack manifest", null),
        ["run-spec-uri-also-set"] = new(0, 1, "RUN_SPEC_URI are both set", "b1:t1:r0\t1\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://bkt/runs/b1/n1/t1/0/a1/\n",
            new Dictionary<string, string?> { ["RUN_SPEC_URI"] = "gs://bkt/runs/b1/n1/t1/spec.json" }),
        ["run-prefix-also-set"] = new(0, 1, "RUN_PREFIX are both set", "b1:t1:r0\t1\tgs://bkt/runs/b1/n1/t1/spec.json\tgs://bkt/runs/b1/n1/t1/0/a1/\n",
            new Dictionary<string, string?> { ["RUN_PREFIX"] = "gs://bkt/runs/b1/n1/t1/0/a1/" }),
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Run_RefusedManifestLine_ExitsNonZeroAndWritesNothing(string name)
    {
        // Arrange
        var refusal = RefusalCases[name];
        _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran"));
        if (refusal.Manifest is not null)
        {
            _harness.PutObject(RunnerHarness.PackManifestName, Encoding.UTF8.GetBytes(refusal.Manifest));
        }

        _harness.UsePack(refusal.TaskIndex, refusal.TaskCount);
        var before = _harness.BucketSnapshot();

        // Act
        var outcome = await _harness.RunAsync(overrides: refusal.Overrides);

        // Assert
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("refusing a packed task", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains(refusal.Reason, outcome.Stderr, StringComparison.Ordinal);
        AssertSameBucket(before, _harness.BucketSnapshot());
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
    }

    [Fact]
    public async Task Run_CancelMarkerBeforeStart_ClaimsAndDoesNoWork()
    {
        // Arrange
        _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran"));
        _harness.WritePackManifest(_harness.PackLine("b1:t1:r0", 1, RunnerHarness.DefaultSpecName, RunnerHarness.DefaultPrefixName));
        _harness.PutObject(RunnerHarness.DefaultPrefixName + "cancel", []);
        _harness.UsePack(taskIndex: 0, taskCount: 1);

        // Act
        var outcome = await _harness.RunAsync();

        // Assert: the claim, and nothing more (the orchestrator records the cancelled run itself).
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("cancelled before it started", outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal(["cancel", RunnerContract.ClaimObject], _harness.AttemptObjectNames());
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
        Assert.False(Directory.Exists(Path.Combine(_harness.Workspace, "input")), "inputs were laid out");
    }

    [Fact]
    public async Task Run_CancelMarkerWhileWorking_StopsWithCancelAndUploadsTheCaptures()
    {
        // Arrange
        _harness.WriteSpec(RunnerHarness.CommandSpec("echo started; mkdir -p output; echo partial > output/part.txt; touch started; sleep 30; echo never") with
        {
            PostCommand = "touch post-ran",
        });
        _harness.WritePackManifest(_harness.PackLine("b1:t1:r0", 1, RunnerHarness.DefaultSpecName, RunnerHarness.DefaultPrefixName));
        _harness.UsePack(taskIndex: 0, taskCount: 1);

        // Act: the orchestrator writes the marker once the work runs.
        var outcome = await _harness.RunAsync(TimeSpan.FromSeconds(40), async _ =>
        {
            await RunnerHarness.WaitForFileAsync(Path.Combine(_harness.Workspace, "started"), TimeSpan.FromSeconds(20));
            _harness.PutObject(RunnerHarness.DefaultPrefixName + "cancel", []);
        });

        // Assert: the path of a SIGTERM, well before the work's 30 s sleep would have ended.
        Assert.Equal(0, outcome.ExitCode);
        Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(25), $"took {outcome.Elapsed}");
        var result = _harness.ReadResult();
        Assert.Equal(Termination.Cancel, result.Termination);
        Assert.Equal(143, result.ExitCode);
        Assert.Equal("started\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.Contains("the cancel marker", _harness.ReadAttemptObject(RunnerContract.StderrObject), StringComparison.Ordinal);
        Assert.Equal("partial\n", _harness.ReadOutputTar()["part.txt"]);
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "post-ran")));
    }

    [Fact]
    public async Task Run_CancelMarkerUnreadable_NotesItAndWorksTheRun()
    {
        // Arrange: every read of the marker fails with a 503, before the work and while it runs.
        _harness.WriteSpec(RunnerHarness.CommandSpec("sleep 2; echo worked"));
        _harness.WritePackManifest(_harness.PackLine("b1:t1:r0", 1, RunnerHarness.DefaultSpecName, RunnerHarness.DefaultPrefixName));
        _harness.UsePack(taskIndex: 0, taskCount: 1);
        _harness.Environment["GCLOUD_STANDIN_FAIL_MATCH"] = "/cancel$";

        // Act
        var outcome = await _harness.RunAsync();

        // Assert
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(Termination.None, _harness.ReadResult().Termination);
        Assert.Equal("worked\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.Contains("could not read the cancel marker", _harness.ReadAttemptObject(RunnerContract.StderrObject), StringComparison.Ordinal);
    }

    /// <summary>Conformance cases whose attempt a packed task must upload exactly as a single execution does.</summary>
    public static TheoryData<string> ConformanceCaseNames =>
    [
        "command-passes", "command-fails", "post-command-fails", "timeout", "sigterm", "bundle-input", "secrets-scrubbed",
        "claude-success", "claim-held-by-another-execution", "spec-missing",
    ];

    [Theory]
    [MemberData(nameof(ConformanceCaseNames))]
    public async Task Run_ConformanceCaseAsAPackedTask_UploadsWhatASingleExecutionUploads(string name)
    {
        // Arrange
        var @case = ConformanceCases.All[name];
        var root = RunnerHarness.NewRoot();

        // Act: one after the other in the same folder, so paths the work sees are the same.
        var single = await RunCaseAsync(@case, root, packed: false);
        var packed = await RunCaseAsync(@case, root, packed: true);

        // Assert
        Assert.True(single.ExitCode == packed.ExitCode, $"exit status: single {single.ExitCode}, packed {packed.ExitCode}\n{packed.Messages}");
        Assert.Equal(single.Objects.Keys, packed.Objects.Keys);
        Assert.Equal(single.OutputEntries, packed.OutputEntries);
        foreach (var (objectName, singleBytes) in single.Objects)
        {
            if (objectName == RunnerContract.OutputObject)
            {
                continue; // the archive's bytes hold the files' times; its entries are compared above
            }

            var expected = Encoding.UTF8.GetString(ConformanceTests.Normalised(objectName, singleBytes));
            var actual = Encoding.UTF8.GetString(ConformanceTests.Normalised(objectName, packed.Objects[objectName]));
            if (objectName is RunnerContract.ResultObject or RunnerContract.ClaimObject && name != "claim-held-by-another-execution")
            {
                Assert.Contains("\"taskIndex\":0,", actual, StringComparison.Ordinal);
                actual = TaskIndexField().Replace(actual, string.Empty);
            }

            Assert.Equal(expected, actual);
        }
    }

    private static async Task<CaseAttempt> RunCaseAsync(ConformanceCase @case, string root, bool packed)
    {
        using var harness = new RunnerHarness(RunnerImplementation.Script, root);
        await @case.ArrangeAsync(harness);
        if (packed)
        {
            harness.WritePackManifest(harness.PackLine("b1:t1:r0", 1, RunnerHarness.DefaultSpecName, RunnerHarness.DefaultPrefixName));
            harness.UsePack(taskIndex: 0, taskCount: 1);
        }

        var outcome = await harness.RunAsync(
            TimeSpan.FromSeconds(60),
            @case.WhileRunning is null ? null : runner => @case.WhileRunning(harness, runner));
        var objects = harness.AttemptObjectNames().ToDictionary(
            name => name, name => File.ReadAllBytes(harness.AttemptObjectPath(name)), StringComparer.Ordinal);
        var entries = objects.ContainsKey(RunnerContract.OutputObject) ? harness.ReadOutputTar() : [];
        return new CaseAttempt(outcome.ExitCode, outcome.Stderr, objects, entries);
    }

    private static void AssertSameBucket(Dictionary<string, byte[]> before, Dictionary<string, byte[]> after)
    {
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in before)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} changed");
        }
    }

    public void Dispose() => _harness.Dispose();

    [GeneratedRegex("\"taskIndex\":[0-9]+,")]
    private static partial Regex TaskIndexField();

    /// <summary>A manifest (null: no manifest object) and task that a packed task must refuse, and the reason it gives.</summary>
    private sealed record Refusal(int TaskIndex, int TaskCount, string Reason, string? Manifest, Dictionary<string, string?>? Overrides = null);

    private sealed record CaseAttempt(int ExitCode, string Messages, Dictionary<string, byte[]> Objects, Dictionary<string, string> OutputEntries);

    /// <summary>The cases against runner/runner.sh (the only implementation that runs packed tasks).</summary>
    public sealed class Script() : PackedExecutionTests(RunnerImplementation.Script);
}
