using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Tests.Google;
using Orchestration.Fakes;

namespace Orchestration.Activities.Tests.CloudRun;

public sealed class CloudRunJobsClientTests
{
    private static readonly Dictionary<string, string> RunEnv = new()
    {
        ["RUN_SPEC_URI"] = "gs://test-bucket/runs/b/n/t/spec.json",
        ["RUN_PREFIX"] = "runs/b/n/t/0/a1/",
        ["RUN_ATTEMPT"] = "1",
    };

    private static CloudRunJobSpec Spec(string id = "orch-0123456789ab", Dictionary<string, string>? labels = null) => new(
        id,
        "europe-docker.pkg.dev/p/r/runner@sha256:abc",
        "2",
        "4Gi",
        "claude-runner@test-project.iam.gserviceaccount.com",
        new Dictionary<string, string> { ["RUNNER_VERSION"] = "1" },
        new Dictionary<string, CloudRunSecretRef> { ["ANTHROPIC_API_KEY"] = new("anthropic-api-key", "latest") },
        TimeSpan.FromHours(1),
        labels ?? new Dictionary<string, string> { ["orchestration-deployment"] = "test" });

    [Fact]
    public async Task EnsureJob_Missing_CreatesWithMaxRetriesZeroAndSecretRefs_ThenWaitsForReady()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Run.JobReadyAfterPolls = 3;

        var job = await host.Jobs.EnsureJobAsync(Spec());

        Assert.True(job.Ready);
        Assert.Equal("orch-0123456789ab", job.Id);
        Assert.Equal($"{host.Run.Parent}/jobs/orch-0123456789ab", job.Name);
        var template = host.Run.JobBody(job.Id)!["template"]!["template"]!;
        Assert.Equal(0, template["maxRetries"]!.GetValue<int>());
        Assert.Equal("3600s", template["timeout"]!.GetValue<string>());
        Assert.Equal("claude-runner@test-project.iam.gserviceaccount.com", template["serviceAccount"]!.GetValue<string>());
        var container = template["containers"]![0]!;
        Assert.Equal("runner", container["name"]!.GetValue<string>());
        Assert.Equal("4Gi", container["resources"]!["limits"]!["memory"]!.GetValue<string>());
        var secret = container["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == "ANTHROPIC_API_KEY")!;
        Assert.Equal("anthropic-api-key", secret["valueSource"]!["secretKeyRef"]!["secret"]!.GetValue<string>());
        Assert.Null(secret["value"]);
        Assert.Equal(1, host.Run.Calls("jobs.create"));
        Assert.True(host.Run.Calls("operations.get") >= 1);
    }

    [Fact]
    public async Task EnsureJob_Existing_IsOneGet()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());
        host.Run.ResetCounts();

        var job = await host.Jobs.EnsureJobAsync(Spec());

        Assert.True(job.Ready);
        Assert.Equal(new Dictionary<string, int> { ["jobs.get"] = 1 }, host.Run.CallCounts);
    }

    [Fact]
    public async Task EnsureJob_ConcurrentCreators_409IsFineAndOneJobExists()
    {
        // A held lookup must not time out and be retried: the attempt timeout is above the gate's upper bound.
        await using var host = await GoogleTestHost.StartAsync(new()
        {
            ["Google:Http:AttemptTimeout"] = "00:00:30",
            ["Google:Http:TotalTimeout"] = "00:01:00",
        });
        // Both first lookups are held until both have arrived and then answered 404, as lookups that ran before either
        // create answer: held alone, the later one's lookup could still run after the other's create on a loaded machine.
        var bothLookups = new ArrivalGate(2, TimeSpan.FromSeconds(20));
        host.Run.Faults.AppliesTo = e => e == "jobs.get" && host.Run.Calls("jobs.get") <= 2;
        host.Run.Faults.Hold = (_, ct) => bothLookups.ArriveAsync(ct);
        host.Run.Faults.AnswerNotFound = true;

        var jobs = await Task.WhenAll(host.Jobs.EnsureJobAsync(Spec()), host.Jobs.EnsureJobAsync(Spec()));

        Assert.True(bothLookups.Opened, $"the two first jobs.get lookups did not overlap within 20 s ({bothLookups.Arrived} arrived)");
        Assert.All(jobs, j => Assert.True(j.Ready));
        Assert.Equal(["orch-0123456789ab"], host.Run.JobIds);
        Assert.Equal(2, host.Run.Calls("jobs.create"));
    }

    [Fact]
    public async Task RunExecution_TakesExecutionNameFromOperationMetadata_WithoutWaiting()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());
        host.Run.ResetCounts();

        var result = await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(15));

        Assert.Equal(RunExecutionOutcome.Started, result.Outcome);
        var execution = Assert.Single(host.Run.Executions);
        Assert.Equal(execution.Name, result.ExecutionName);
        Assert.Equal(execution.Id, result.ExecutionId);
        Assert.StartsWith("orch-0123456789ab-", result.ExecutionId, StringComparison.Ordinal);
        Assert.Equal(FakeExecutionState.Pending, execution.State);
        Assert.Equal("900s", execution.Timeout);
        Assert.Equal("runs/b/n/t/0/a1/", execution.Environment["RUN_PREFIX"]);
        Assert.Equal("1", execution.Environment["RUNNER_VERSION"]);
        Assert.Equal(new Dictionary<string, int> { ["jobs.run"] = 1 }, host.Run.CallCounts);
    }

    [Fact]
    public async Task RunExecution_429_IsThrottledResultWithRetryAfter_NotRetried()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());
        host.Run.Faults.ThrottleFraction = 1;
        host.Run.Faults.RetryAfterSeconds = 7;
        host.Run.Faults.AppliesTo = e => e == "jobs.run";

        var result = await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5));

        Assert.Equal(RunExecutionOutcome.Throttled, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Null(result.ExecutionName);
        Assert.Equal(1, host.Run.Calls("jobs.run"));
        Assert.Empty(host.Run.Executions);
    }

    [Fact]
    public async Task RunExecution_AmbiguousFailure_ThrowsAndIsNotResent()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());
        host.Run.AmbiguousRunFraction = 1;

        var error = await Assert.ThrowsAsync<CloudServiceException>(() => host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5)));

        Assert.Equal("UNAVAILABLE", error.Code);
        Assert.True(error.IsTransient);
        Assert.Equal(1, host.Run.Calls("jobs.run"));
        Assert.Single(host.Run.Executions);
    }

    [Fact]
    public async Task RunExecution_ServerHangs_TimesOutOnceAndIsNotResent()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());
        host.Run.Faults.HangFraction = 1;
        host.Run.Faults.AppliesTo = e => e == "jobs.run";

        var error = await Assert.ThrowsAsync<CloudServiceException>(() => host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5)));

        Assert.Equal("DEADLINE_EXCEEDED", error.Code);
        Assert.Equal(1, host.Run.Calls("jobs.run"));
    }

    [Fact]
    public async Task GetExecution_FollowsStates_CountsAbsentMeanZero()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());
        var name = (await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5))).ExecutionName!;

        var pending = await host.Jobs.GetExecutionAsync(name);
        host.Run.Start(name);
        var running = await host.Jobs.GetExecutionAsync(name);
        host.Run.Complete(name);
        var succeeded = await host.Jobs.GetExecutionAsync(name);

        Assert.Equal(CloudRunExecutionState.Pending, pending?.State);
        Assert.Equal((0, 0, 0, 0), (pending!.RunningCount, pending.SucceededCount, pending.FailedCount, pending.CancelledCount));
        Assert.Null(pending.StartTime);
        Assert.Equal(CloudRunExecutionState.Running, running?.State);
        Assert.Equal(1, running!.RunningCount);
        Assert.NotNull(running.StartTime);
        Assert.Equal(CloudRunExecutionState.Succeeded, succeeded?.State);
        Assert.Equal((1, 0, 1), (succeeded!.SucceededCount, succeeded.RunningCount, succeeded.TaskCount));
        Assert.NotNull(succeeded.CompletionTime);
        Assert.True(succeeded.IsTerminal);
        Assert.Null(succeeded.FailureReason);
        Assert.Equal("runs/b/n/t/0/a1/", succeeded.Environment["RUN_PREFIX"]);
        Assert.Equal("orch-0123456789ab", succeeded.JobId);
    }

    [Fact]
    public async Task GetExecution_TimedProgress_PendingRunningSucceeded()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await using var host = await GoogleTestHost.StartAsync(fakeTime: clock);
        host.Run.AutoStartAfter = TimeSpan.FromSeconds(10);
        host.Run.AutoCompleteAfter = TimeSpan.FromSeconds(60);
        await host.Jobs.EnsureJobAsync(Spec());
        var name = (await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5))).ExecutionName!;

        var states = new List<CloudRunExecutionState?>();
        foreach (var step in new[] { 0, 10, 50 })
        {
            clock.Advance(TimeSpan.FromSeconds(step));
            states.Add((await host.Jobs.GetExecutionAsync(name))?.State);
        }

        Assert.Equal([CloudRunExecutionState.Pending, CloudRunExecutionState.Running, CloudRunExecutionState.Succeeded], states);
    }

    [Fact]
    public async Task GetExecution_FailedAndCancelled_MappedWithReason()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());
        var failed = (await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5))).ExecutionName!;
        var cancelled = (await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5))).ExecutionName!;
        host.Run.Complete(failed, succeeded: false, "Task failed with exit code: 3.");
        host.Run.Start(cancelled);

        Assert.True(await host.Jobs.CancelExecutionAsync(cancelled));
        var f = await host.Jobs.GetExecutionAsync(failed);
        var c = await host.Jobs.GetExecutionAsync(cancelled);

        Assert.Equal(CloudRunExecutionState.Failed, f?.State);
        Assert.Equal("NON_ZERO_EXIT_CODE: Task failed with exit code: 3.", f?.FailureReason);
        Assert.Equal(1, f?.FailedCount);
        Assert.Equal(CloudRunExecutionState.Cancelled, c?.State);
        Assert.StartsWith("CANCELLED", c?.FailureReason, StringComparison.Ordinal);
        Assert.Equal(1, c?.CancelledCount);
    }

    [Fact]
    public async Task GetExecution_AfterRetention_IsNull()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await using var host = await GoogleTestHost.StartAsync(fakeTime: clock);
        host.Run.ExecutionRetention = TimeSpan.FromDays(7);
        await host.Jobs.EnsureJobAsync(Spec());
        var name = (await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5))).ExecutionName!;
        host.Run.Complete(name);

        var kept = await host.Jobs.GetExecutionAsync(name);
        clock.Advance(TimeSpan.FromDays(7));
        var gone = await host.Jobs.GetExecutionAsync(name);

        Assert.Equal(CloudRunExecutionState.Succeeded, kept?.State);
        Assert.Null(gone);
        Assert.Empty((await host.Jobs.ListExecutionsAsync("orch-0123456789ab")).Items);
    }

    [Fact]
    public async Task CancelExecution_FinishedOrMissing_IsNotAnError()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());
        var name = (await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5))).ExecutionName!;
        host.Run.Complete(name);
        var expired = (await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5))).ExecutionName!;
        host.Run.Expire(expired);

        Assert.False(await host.Jobs.CancelExecutionAsync(name));
        Assert.False(await host.Jobs.CancelExecutionAsync(expired));
        Assert.False(await host.Jobs.CancelExecutionAsync($"{host.Run.Parent}/jobs/orch-0123456789ab/executions/orch-0123456789ab-zzzzz"));
        Assert.Equal(CloudRunExecutionState.Succeeded, (await host.Jobs.GetExecutionAsync(name))?.State);
    }

    [Fact]
    public async Task ListExecutions_Paged_NewestFirstEveryExecutionOnce()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await using var host = await GoogleTestHost.StartAsync(fakeTime: clock);
        await host.Jobs.EnsureJobAsync(Spec());
        var started = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            started.Add((await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5))).ExecutionName!);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await host.Jobs.ListExecutionsAsync("orch-0123456789ab", token, pageSize: 5);
            listed.AddRange(page.Items.Select(e => e.Name));
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Reverse(started), listed);
        Assert.Equal(3, host.Run.Calls("executions.list"));
    }

    [Fact]
    public async Task ListJobs_FilteredByPrefixAndLabels_DeleteIsIdempotent()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec("orch-aaaaaaaaaaaa"));
        await host.Jobs.EnsureJobAsync(Spec("orch-bbbbbbbbbbbb", new Dictionary<string, string> { ["orchestration-deployment"] = "other" }));
        await host.Jobs.EnsureJobAsync(Spec("unrelated-job"));

        var mine = await host.Jobs.ListJobsAsync("orch-", new Dictionary<string, string> { ["orchestration-deployment"] = "test" });
        var deleted = await host.Jobs.DeleteJobAsync("orch-aaaaaaaaaaaa");
        var again = await host.Jobs.DeleteJobAsync("orch-aaaaaaaaaaaa");

        Assert.Equal(["orch-aaaaaaaaaaaa"], mine.Items.Select(j => j.Id));
        Assert.Null(mine.NextPageToken);
        Assert.True(deleted);
        Assert.False(again);
        Assert.Equal(["orch-bbbbbbbbbbbb", "unrelated-job"], host.Run.JobIds);
    }

    [Fact]
    public async Task InjectedFaults_IdempotentCalls_Recover()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Run.Faults.ThrottleFraction = 0.2;
        host.Run.Faults.UnavailableFraction = 0.2;
        host.Run.Faults.HangFraction = 0.03;
        host.Run.Faults.AppliesTo = e => e != "jobs.run";

        var job = await host.Jobs.EnsureJobAsync(Spec());
        var names = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            names.Add((await host.Jobs.RunExecutionAsync(job.Id, RunEnv, TimeSpan.FromMinutes(5))).ExecutionName!);
        }

        host.Run.Start(names[0]);
        var running = await host.Jobs.GetExecutionAsync(names[0]);
        var list = await host.Jobs.ListExecutionsAsync(job.Id);
        var cancels = new List<bool>();
        foreach (var name in names)
        {
            cancels.Add(await host.Jobs.CancelExecutionAsync(name));
        }

        Assert.True(job.Ready);
        Assert.Equal(CloudRunExecutionState.Running, running?.State);
        Assert.Equal(5, list.Items.Count);
        Assert.All(host.Run.Executions, e => Assert.Equal(FakeExecutionState.Cancelled, e.State));
        Assert.Equal(5, host.Run.Calls("jobs.run"));
        Assert.True(host.Run.TotalCalls > host.Run.Calls("jobs.run") + 2 + 1 + 1 + 5, "faults should have caused retries");
    }

    [Fact]
    public async Task DuplicateExecutionsOfOneRun_OnlyTheClaimantDoesTheWork()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());
        host.Run.DuplicateRunFraction = 1;
        var runners = new ConcurrentBag<Task<(string Execution, bool Worked)>>();
        host.Run.ExecutionCreated += e => runners.Add(PlayRunnerAsync(host, e));

        var result = await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5));
        var outcomes = await Task.WhenAll(runners);

        Assert.Equal(2, host.Run.Executions.Count);
        Assert.Equal(2, outcomes.Length);
        var worker = Assert.Single(outcomes, o => o.Worked);
        var claim = Encoding.UTF8.GetString(host.Gcs.Get("runs/b/n/t/0/a1/claim")!.Data);
        Assert.Equal(worker.Execution, claim);
        Assert.Contains(result.ExecutionId, outcomes.Select(o => o.Execution));
    }

    [Fact]
    public async Task ExecutionFailingWithoutResult_IsFailedAndNoRunnerRan()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());
        host.Run.FailWithoutResultFraction = 1;
        var runnerStarts = 0;
        host.Run.ExecutionCreated += _ => Interlocked.Increment(ref runnerStarts);

        var name = (await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5))).ExecutionName!;
        var execution = await host.Jobs.GetExecutionAsync(name);

        Assert.Equal(CloudRunExecutionState.Failed, execution?.State);
        Assert.Contains("NON_ZERO_EXIT_CODE", execution?.FailureReason, StringComparison.Ordinal);
        Assert.Equal(0, runnerStarts);
        Assert.Null(host.Gcs.Get("runs/b/n/t/0/a1/result.json"));
    }

    [Fact]
    public async Task RunExecution_LocalBucketEmpty_ThrottledWithoutCallingCloudRun()
    {
        await using var host = await GoogleTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Google:CloudRun:StartsPerMinute"] = "1",
            ["Google:CloudRun:StartBurst"] = "1",
            ["Google:CloudRun:MaxStartWait"] = "00:00:00",
        });
        await host.Jobs.EnsureJobAsync(Spec());

        var first = await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5));
        var second = await host.Jobs.RunExecutionAsync("orch-0123456789ab", RunEnv, TimeSpan.FromMinutes(5));

        Assert.Equal(RunExecutionOutcome.Started, first.Outcome);
        Assert.Equal(RunExecutionOutcome.Throttled, second.Outcome);
        Assert.InRange(second.RetryAfter, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
        Assert.Equal(1, host.Run.Calls("jobs.run"));
    }

    /// <summary>What the runner does first: claim the attempt with its own execution id, or exit quietly.</summary>
    private static async Task<(string Execution, bool Worked)> PlayRunnerAsync(GoogleTestHost host, FakeExecution execution)
    {
        await Task.Yield();
        var prefix = execution.Environment["RUN_PREFIX"];
        var claim = await host.Store.PutIfAbsentAsync(prefix + "claim", new MemoryStream(Encoding.UTF8.GetBytes(execution.Id)));
        if (!claim.Created)
        {
            await using var existing = await host.Store.GetAsync(prefix + "claim");
            var holder = Encoding.UTF8.GetString(await existing!.ReadAllBytesAsync());
            if (holder != execution.Id)
            {
                host.Run.Complete(execution.Name);
                return (execution.Id, false);
            }
        }

        await host.Store.PutAsync(prefix + "result.json", new MemoryStream("{\"exitCode\":0}"u8.ToArray()), "application/json");
        host.Run.Complete(execution.Name);
        return (execution.Id, true);
    }
}
