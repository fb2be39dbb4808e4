using System.Text.Json;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Activities.Tests.LocalRunner;

public sealed class LocalJobRunnerTests : IDisposable
{
    private readonly LocalRunnerSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task RunExecution_ScriptExitsZero_SucceededWithCloudRunShapeAndLogs()
    {
        var script = _sandbox.Script("ok.sh", """
            echo "hello from $CLOUD_RUN_EXECUTION"
            echo "to stderr" >&2
            pwd > "$RUNNER_WORKSPACE/../cwd.txt"
            exit 0
            """);
        var runner = _sandbox.Runner(script);
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-ok"));

        var started = await runner.RunExecutionAsync("job-ok", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));
        var done = await LocalRunnerSandbox.WaitTerminalAsync(runner, started.ExecutionName!);

        Assert.Equal(RunExecutionOutcome.Started, started.Outcome);
        Assert.Matches("^projects/local/locations/local/jobs/job-ok/executions/job-ok-[a-z0-9]{5}$", started.ExecutionName);
        Assert.Equal(CloudRunExecutionState.Succeeded, done.State);
        Assert.Equal((1, 1, 0, 0, 0), (done.TaskCount, done.SucceededCount, done.FailedCount, done.CancelledCount, done.RunningCount));
        Assert.Null(done.FailureReason);
        Assert.True(done.StartTime >= done.CreateTime && done.CompletionTime >= done.StartTime);
        var folder = Path.Combine(_sandbox.StateFolder, "executions", started.ExecutionId!);
        Assert.Equal($"hello from {started.ExecutionId}\n", File.ReadAllText(Path.Combine(folder, "stdout.log")));
        Assert.Equal("to stderr\n", File.ReadAllText(Path.Combine(folder, "stderr.log")));
        Assert.Equal(Path.Combine(folder, "workspace"), File.ReadAllText(Path.Combine(folder, "cwd.txt")).Trim());
        Assert.False(Directory.Exists(Path.Combine(folder, "workspace")), "the workspace is removed once the execution ended");
    }

    [Fact]
    public async Task RunExecution_ScriptExitsNonZero_FailedWithExitCodeReason()
    {
        var runner = _sandbox.Runner(_sandbox.Script("fail.sh", "exit 3"));
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-fail"));

        var started = await runner.RunExecutionAsync("job-fail", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));
        var done = await LocalRunnerSandbox.WaitTerminalAsync(runner, started.ExecutionName!);

        Assert.Equal(CloudRunExecutionState.Failed, done.State);
        Assert.Equal("exit code 3", done.FailureReason);
        Assert.Equal((1, 0), (done.FailedCount, done.SucceededCount));
    }

    [Fact]
    public async Task RunExecution_EnvironmentLayers_ScriptSeesOverridesLocalSecretsAndShimButNoHostSecrets()
    {
        var hostOnly = "ORCH_LR_HOST_ONLY_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(hostOnly, "host-credential");
        var shim = Directory.CreateDirectory(_sandbox.PathOf("shim")).FullName;
        File.WriteAllText(Path.Combine(shim, "gcloud"), "#!/bin/bash\necho shim-gcloud \"$@\"\n");
        LocalRunnerSandbox.MakeExecutable(Path.Combine(shim, "gcloud"));
        var envFile = _sandbox.PathOf("env.txt");
        var script = _sandbox.Script("env.sh", $$"""
            { env | sort; gcloud storage cp a b; } > "{{envFile}}"
            """);
        var runner = _sandbox.Runner(script, o =>
        {
            o.ShimFolder = shim;
            o.ExtraEnvironment = new Dictionary<string, string> { ["GCS_LOCAL_ROOT"] = "/tmp/objects", ["FROM_MACHINE"] = "machine" };
            o.SecretValues = new Dictionary<string, string> { ["anthropic-api-key"] = "local-secret-value" };
        });
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job(
            "job-env",
            new Dictionary<string, string> { ["A"] = "job", ["B"] = "job", ["FROM_MACHINE"] = "job wins" },
            new Dictionary<string, CloudRunSecretRef>
            {
                ["ANTHROPIC_API_KEY"] = new("projects/p/secrets/anthropic-api-key", "latest"),
                ["GIT_TOKEN"] = new("git-token", "1"),
            }));

        var started = await runner.RunExecutionAsync("job-env", new Dictionary<string, string> { ["B"] = "override", ["RUN_ATTEMPT"] = "2" }, TimeSpan.FromMinutes(1));
        var done = await LocalRunnerSandbox.WaitTerminalAsync(runner, started.ExecutionName!);
        Environment.SetEnvironmentVariable(hostOnly, null);

        Assert.Equal(CloudRunExecutionState.Succeeded, done.State);
        var lines = File.ReadAllLines(envFile);
        Assert.Contains("A=job", lines);
        Assert.Contains("B=override", lines);
        Assert.Contains("RUN_ATTEMPT=2", lines);
        Assert.Contains("FROM_MACHINE=job wins", lines);
        Assert.Contains("GCS_LOCAL_ROOT=/tmp/objects", lines);
        Assert.Contains("ANTHROPIC_API_KEY=local-secret-value", lines);
        Assert.Contains($"CLOUD_RUN_EXECUTION={started.ExecutionId}", lines);
        Assert.Contains("CLOUD_RUN_JOB=job-env", lines);
        Assert.Contains(lines, l => l.StartsWith("RUNNER_WORKSPACE=", StringComparison.Ordinal) && l.EndsWith("/workspace", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"PATH={shim}:", StringComparison.Ordinal));
        Assert.Contains("shim-gcloud storage cp a b", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("GIT_TOKEN=", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith(hostOnly, StringComparison.Ordinal));
        Assert.Equal("override", done.Environment["B"]);
        Assert.False(done.Environment.ContainsKey("ANTHROPIC_API_KEY"));

        // Each watcher pass holds state/scheduler.lock (flock); reading it during a pass is a sharing violation.
        // Stop the watcher so every state file, the lock included, can be read.
        runner.Dispose();
        var stateText = string.Concat(Directory.GetFiles(_sandbox.StateFolder, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.DoesNotContain("local-secret-value", stateText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelExecution_Running_SigtermReachesTheScriptAndStateIsCancelled()
    {
        var marker = _sandbox.PathOf("term.txt");
        var script = _sandbox.Script("cancel.sh", $"""
            trap 'echo got-term > "{marker}"; exit 143' TERM
            echo started > "$RUNNER_WORKSPACE/../started.txt"
            sleep 300 & wait
            """);
        var runner = _sandbox.Runner(script);
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-cancel"));
        var started = await runner.RunExecutionAsync("job-cancel", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));
        await LocalRunnerSandbox.WaitAsync(runner, started.ExecutionName!, _ => File.Exists(Path.Combine(_sandbox.StateFolder, "executions", started.ExecutionId!, "started.txt")));

        var cancelled = await runner.CancelExecutionAsync(started.ExecutionName!);
        var done = await LocalRunnerSandbox.WaitTerminalAsync(runner, started.ExecutionName!);
        var again = await runner.CancelExecutionAsync(started.ExecutionName!);

        Assert.True(cancelled);
        Assert.Equal(CloudRunExecutionState.Cancelled, done.State);
        Assert.Equal(1, done.CancelledCount);
        Assert.Equal("got-term", File.ReadAllText(marker).Trim());
        Assert.False(again, "a finished execution is not cancelled again");
    }

    [Fact]
    public async Task CancelExecution_FinishedOrMissing_FalseWithoutError()
    {
        var runner = _sandbox.Runner(_sandbox.Script("quick.sh", "exit 0"));
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-quick"));
        var started = await runner.RunExecutionAsync("job-quick", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));
        await LocalRunnerSandbox.WaitTerminalAsync(runner, started.ExecutionName!);

        var finished = await runner.CancelExecutionAsync(started.ExecutionName!);
        var missing = await runner.CancelExecutionAsync("projects/local/locations/local/jobs/job-quick/executions/job-quick-zzzzz");
        var after = await runner.GetExecutionAsync(started.ExecutionName!);
        var gone = await runner.GetExecutionAsync("projects/local/locations/local/jobs/job-quick/executions/job-quick-zzzzz");

        Assert.False(finished);
        Assert.False(missing);
        Assert.Equal(CloudRunExecutionState.Succeeded, after!.State);
        Assert.Null(gone);
    }

    [Fact]
    public async Task CancelExecution_Pending_CancelledAtOnceAndNeverStarted()
    {
        var ran = _sandbox.PathOf("ran.txt");
        var script = _sandbox.Script("slot.sh", $$"""
            echo "$CLOUD_RUN_EXECUTION" >> "{{ran}}"
            sleep "${HOLD:-0}"
            """);
        var runner = _sandbox.Runner(script, o => o.MaxParallelExecutions = 1);
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-slot"));
        var blocker = await runner.RunExecutionAsync("job-slot", new Dictionary<string, string> { ["HOLD"] = "2" }, TimeSpan.FromMinutes(1));
        await LocalRunnerSandbox.WaitAsync(runner, blocker.ExecutionName!, e => e.State == CloudRunExecutionState.Running);
        var queued = await runner.RunExecutionAsync("job-slot", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));
        var pending = await runner.GetExecutionAsync(queued.ExecutionName!);

        var cancelled = await runner.CancelExecutionAsync(queued.ExecutionName!);
        var state = await runner.GetExecutionAsync(queued.ExecutionName!);
        await LocalRunnerSandbox.WaitTerminalAsync(runner, blocker.ExecutionName!);
        await Task.Delay(300);

        Assert.Equal(CloudRunExecutionState.Pending, pending!.State);
        Assert.Null(pending.StartTime);
        Assert.True(cancelled);
        Assert.Equal(CloudRunExecutionState.Cancelled, state!.State);
        Assert.Equal([blocker.ExecutionId!], File.ReadAllLines(ran));
    }

    [Fact]
    public async Task RunExecution_MoreThanOneTask_RefusedWithoutRecordingAnExecution()
    {
        var runner = _sandbox.Runner(_sandbox.Script("x.sh", "exit 0"));
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-pack"));

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => runner.RunExecutionAsync("job-pack", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1), taskCount: 2));

        Assert.Equal("taskCount", error.ParamName);
        Assert.Empty((await runner.ListExecutionsAsync("job-pack")).Items);
    }

    [Fact]
    public async Task ListTasks_OneTaskInTheExecutionsState()
    {
        var runner = _sandbox.Runner(_sandbox.Script("ok.sh", "exit 0"));
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-task"));
        var started = await runner.RunExecutionAsync("job-task", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));
        await LocalRunnerSandbox.WaitTerminalAsync(runner, started.ExecutionName!);

        var tasks = (await runner.ListTasksAsync(started.ExecutionName!)).Items;

        var task = Assert.Single(tasks);
        Assert.Equal((0, CloudRunTaskState.Succeeded), (task.Index, task.State));
        Assert.NotNull(task.CompletionTime);
    }

    [Fact]
    public async Task RunExecution_UnknownJob_ThrowsNotFound()
    {
        var runner = _sandbox.Runner(_sandbox.Script("x.sh", "exit 0"));

        var error = await Assert.ThrowsAsync<CloudServiceException>(() => runner.RunExecutionAsync("no-such-job", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1)));

        Assert.Equal(("NOT_FOUND", 404), (error.Code, error.Status));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("Upper")]
    public async Task RunExecution_JobIdThatCouldEscapeTheStateFolder_Refused(string jobId)
    {
        var runner = _sandbox.Runner(_sandbox.Script("x.sh", "exit 0"));

        await Assert.ThrowsAsync<ArgumentException>(() => runner.RunExecutionAsync(jobId, LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1)));
        await Assert.ThrowsAsync<ArgumentException>(() => runner.GetExecutionAsync($"projects/local/locations/local/jobs/j/executions/{jobId}"));

        Assert.Empty(Directory.GetDirectories(Path.Combine(_sandbox.StateFolder, "executions")));
    }

    [Fact]
    public async Task ListExecutions_ManyOfTwoJobs_NewestFirstInPagesWithoutOverlap()
    {
        var runner = _sandbox.Runner(_sandbox.Script("list.sh", "exit 0"));
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-a"));
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-b"));
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await runner.RunExecutionAsync("job-a", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1))).ExecutionName!);
            await Task.Delay(5);
        }

        await runner.RunExecutionAsync("job-b", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));

        var names = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await runner.ListExecutionsAsync("job-a", token, pageSize: 2);
            Assert.True(page.Items.Count <= 2);
            names.AddRange(page.Items.Select(e => e.Name));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);
        var all = await runner.ListExecutionsAsync("-");
        foreach (var execution in all.Items)
        {
            await LocalRunnerSandbox.WaitTerminalAsync(runner, execution.Name);
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(created), names);
        Assert.Equal(6, all.Items.Count);
        Assert.Null(all.NextPageToken);
    }

    [Fact]
    public async Task Jobs_EnsureListDelete_SurviveANewRunnerAndKeepTheFirstSpec()
    {
        var script = _sandbox.Script("jobs.sh", "exit 0");
        var first = _sandbox.Runner(script);
        await first.EnsureJobAsync(LocalRunnerSandbox.Job("svc-command-1", new Dictionary<string, string> { ["K"] = "1" }));
        await first.EnsureJobAsync(LocalRunnerSandbox.Job("svc-claude-1"));
        await first.EnsureJobAsync(LocalRunnerSandbox.Job("other-1"));
        var again = await first.EnsureJobAsync(LocalRunnerSandbox.Job("svc-command-1", new Dictionary<string, string> { ["K"] = "2" }));
        await first.RunExecutionAsync("svc-command-1", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));
        first.Dispose();

        var second = _sandbox.Runner(script);
        var listed = await second.ListJobsAsync(idPrefix: "svc-", labels: new Dictionary<string, string> { ["deployment"] = "test" });
        var deleted = await second.DeleteJobAsync("svc-claude-1");
        var deletedAgain = await second.DeleteJobAsync("svc-claude-1");
        var afterDelete = await second.ListJobsAsync();
        var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(_sandbox.StateFolder, "jobs", "svc-command-1.json")));

        Assert.True(again.Ready);
        Assert.Equal("projects/local/locations/local/jobs/svc-command-1", again.Name);
        Assert.Equal(["svc-claude-1", "svc-command-1"], listed.Items.Select(j => j.Id));
        Assert.NotNull(listed.Items.Single(j => j.Id == "svc-command-1").LastExecutionTime);
        Assert.Null(listed.Items.Single(j => j.Id == "svc-claude-1").LastExecutionTime);
        Assert.True(deleted);
        Assert.False(deletedAgain);
        Assert.Equal(["other-1", "svc-command-1"], afterDelete.Items.Select(j => j.Id));
        Assert.Equal("1", record.RootElement.GetProperty("environment").GetProperty("K").GetString());
    }

    [Fact]
    public async Task RunExecution_StartsPerMinuteExhausted_ThrottledWithoutAnExecution()
    {
        var runner = _sandbox.Runner(_sandbox.Script("paced.sh", "exit 0"), o =>
        {
            o.StartsPerMinute = 1;
            o.StartBurst = 1;
            o.MaxStartWait = TimeSpan.Zero;
        });
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-paced"));

        var first = await runner.RunExecutionAsync("job-paced", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));
        var second = await runner.RunExecutionAsync("job-paced", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));
        var listed = await runner.ListExecutionsAsync("job-paced");

        Assert.Equal(RunExecutionOutcome.Started, first.Outcome);
        Assert.Equal(RunExecutionOutcome.Throttled, second.Outcome);
        Assert.InRange(second.RetryAfter, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
        Assert.Single(listed.Items);
    }
}
