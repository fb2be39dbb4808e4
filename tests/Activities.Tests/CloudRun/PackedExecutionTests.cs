using Microsoft.Extensions.Time.Testing;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Tests.Google;
using Orchestration.Fakes;

namespace Orchestration.Activities.Tests.CloudRun;

/// <summary>Executions of several tasks (packs) through the adapter against the Cloud Run fake: taskCount sent and
/// parsed, per-task state, and the limits that make packing worth it (the <c>:run</c> quota, running executions).</summary>
public sealed class PackedExecutionTests
{
    private const string JobId = "orch-0123456789ab";

    private static readonly Dictionary<string, string> PackEnv = new() { ["PACK_MANIFEST_URI"] = "gs://test-bucket/packs/p1.json" };

    private static CloudRunJobSpec Spec(int parallelism = 1) => new(
        JobId,
        "europe-docker.pkg.dev/p/r/runner@sha256:abc",
        "1",
        "2Gi",
        "runner@test-project.iam.gserviceaccount.com",
        new Dictionary<string, string> { ["RUNNER_VERSION"] = "1" },
        new Dictionary<string, CloudRunSecretRef>(),
        TimeSpan.FromMinutes(30),
        Parallelism: parallelism);

    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task RunExecution_OneTask_SendsNoTaskCountOverride()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());

        await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5));

        var overrides = host.Run.LastRunBody!["overrides"]!.AsObject();
        Assert.Equal(["containerOverrides", "timeout"], overrides.Select(p => p.Key));
        Assert.Equal(1, Assert.Single(host.Run.Executions).TaskCount);
    }

    [Fact]
    public async Task EnsureJob_Parallelism_DefaultKeepsTodaysTemplate_PackSetsIt_ZeroOmits()
    {
        await using var host = await GoogleTestHost.StartAsync();

        await host.Jobs.EnsureJobAsync(Spec());
        await host.Jobs.EnsureJobAsync(Spec(parallelism: 50) with { JobId = "orch-pack50" });
        await host.Jobs.EnsureJobAsync(Spec(parallelism: 0) with { JobId = "orch-packmax" });

        var single = host.Run.JobBody(JobId)!["template"]!.AsObject();
        Assert.Equal(["taskCount", "parallelism", "template"], single.Select(p => p.Key));
        Assert.Equal((1, 1), (single["taskCount"]!.GetValue<int>(), single["parallelism"]!.GetValue<int>()));
        Assert.Equal(50, host.Run.JobBody("orch-pack50")!["template"]!["parallelism"]!.GetValue<int>());
        Assert.Null(host.Run.JobBody("orch-packmax")!["template"]!["parallelism"]);
    }

    [Fact]
    public async Task RunExecution_TaskCountFive_FiveTasksEachWithItsIndex_CountsFollowTasks()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec(parallelism: 5));

        var started = await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 5);
        var name = started.ExecutionName!;
        host.Run.StartTask(name, 0);
        host.Run.StartTask(name, 1);
        host.Run.StartTask(name, 2);
        host.Run.CompleteTask(name, 0);
        host.Run.CompleteTask(name, 2, exitCode: 3);
        var running = await host.Jobs.GetExecutionAsync(name);

        Assert.Equal(5, host.Run.LastRunBody!["overrides"]!["taskCount"]!.GetValue<int>());
        var fake = host.Run.Execution(name)!;
        Assert.Equal(["0", "1", "2", "3", "4"], fake.Tasks.Select(t => t.Environment["CLOUD_RUN_TASK_INDEX"]));
        Assert.All(fake.Tasks, t => Assert.Equal(("5", fake.Id, "gs://test-bucket/packs/p1.json"), (t.Environment["CLOUD_RUN_TASK_COUNT"], t.Environment["CLOUD_RUN_EXECUTION"], t.Environment["PACK_MANIFEST_URI"])));
        Assert.NotNull(running);
        Assert.Equal(CloudRunExecutionState.Running, running.State);
        Assert.Equal((5, 1, 1, 1, 0), (running.TaskCount, running.RunningCount, running.SucceededCount, running.FailedCount, running.CancelledCount));
        Assert.Null(running.CompletionTime);
    }

    [Fact]
    public async Task GetExecution_OneTaskFailed_FailedOnlyAfterEveryTaskEnded()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec(parallelism: 3));
        var name = (await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 3)).ExecutionName!;

        host.Run.CompleteTask(name, 1, exitCode: 2);
        host.Run.CompleteTask(name, 0);
        var oneLeft = await host.Jobs.GetExecutionAsync(name);
        host.Run.CompleteTask(name, 2);
        var done = await host.Jobs.GetExecutionAsync(name);

        Assert.Equal(CloudRunExecutionState.Running, oneLeft!.State);
        Assert.Equal(CloudRunExecutionState.Failed, done!.State);
        Assert.Equal((2, 1), (done.SucceededCount, done.FailedCount));
        Assert.StartsWith("NON_ZERO_EXIT_CODE", done.FailureReason, StringComparison.Ordinal);
        Assert.NotNull(done.CompletionTime);
    }

    [Fact]
    public async Task GetExecution_EveryTaskSucceeded_Succeeded()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec(parallelism: 2));
        var name = (await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 2)).ExecutionName!;

        host.Run.CompleteTask(name, 1);
        host.Run.CompleteTask(name, 0);
        var done = await host.Jobs.GetExecutionAsync(name);

        Assert.Equal(CloudRunExecutionState.Succeeded, done!.State);
        Assert.Equal((2, 2, 0), (done.TaskCount, done.SucceededCount, done.FailedCount));
    }

    [Fact]
    public async Task ListTasks_Paged_EveryTaskOnceByIndex_WithStateExitCodeAndTimes()
    {
        var clock = Clock();
        await using var host = await GoogleTestHost.StartAsync(fakeTime: clock);
        host.Run.MaxPageSize = 2;
        await host.Jobs.EnsureJobAsync(Spec(parallelism: 5));
        var name = (await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 5)).ExecutionName!;
        host.Run.StartTask(name, 1);
        host.Run.StartTask(name, 3);
        clock.Advance(TimeSpan.FromSeconds(30));
        host.Run.CompleteTask(name, 3, exitCode: 7);
        host.Run.CompleteTask(name, 4);

        var tasks = new List<CloudRunTask>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await host.Jobs.ListTasksAsync(name, token);
            tasks.AddRange(page.Items);
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal([0, 1, 2, 3, 4], tasks.Select(t => t.Index));
        Assert.Equal(
            [CloudRunTaskState.Pending, CloudRunTaskState.Running, CloudRunTaskState.Pending, CloudRunTaskState.Failed, CloudRunTaskState.Succeeded],
            tasks.Select(t => t.State));
        Assert.Equal(7, tasks[3].ExitCode);
        Assert.Null(tasks[4].ExitCode);
        Assert.Equal(clock.GetUtcNow() - TimeSpan.FromSeconds(30), tasks[3].StartTime);
        Assert.Equal(clock.GetUtcNow(), tasks[3].CompletionTime);
        Assert.Null(tasks[0].StartTime);
        Assert.Contains("exit code: 7", tasks[3].FailureReason, StringComparison.Ordinal);
        Assert.Equal(3, host.Run.Calls("tasks.list"));
    }

    [Fact]
    public async Task CancelExecution_Pack_CancelsUnfinishedTasks_FinishedKeepTheirState()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec(parallelism: 3));
        var name = (await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 3)).ExecutionName!;
        host.Run.CompleteTask(name, 0);
        host.Run.StartTask(name, 1);

        Assert.True(await host.Jobs.CancelExecutionAsync(name));
        var cancelled = await host.Jobs.GetExecutionAsync(name);
        var tasks = (await host.Jobs.ListTasksAsync(name)).Items;

        Assert.Equal(CloudRunExecutionState.Cancelled, cancelled!.State);
        Assert.Equal((1, 2, 0), (cancelled.SucceededCount, cancelled.CancelledCount, cancelled.RunningCount));
        Assert.Equal([CloudRunTaskState.Succeeded, CloudRunTaskState.Cancelled, CloudRunTaskState.Cancelled], tasks.Select(t => t.State));
    }

    [Fact]
    public async Task AutoStart_Parallelism2_AtMostTwoTasksRunAtOnce_NextStartsWhenOneEnds()
    {
        var clock = Clock();
        await using var host = await GoogleTestHost.StartAsync(fakeTime: clock);
        host.Run.AutoStartAfter = TimeSpan.FromSeconds(5);
        await host.Jobs.EnsureJobAsync(Spec(parallelism: 2));
        var name = (await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 5)).ExecutionName!;

        clock.Advance(TimeSpan.FromSeconds(5));
        var two = await host.Jobs.GetExecutionAsync(name);
        host.Run.CompleteTask(name, 0);
        var refilled = await host.Jobs.GetExecutionAsync(name);
        var tasks = (await host.Jobs.ListTasksAsync(name)).Items;

        Assert.Equal((2, 0), (two!.RunningCount, two.SucceededCount));
        Assert.Equal((2, 1), (refilled!.RunningCount, refilled.SucceededCount));
        Assert.Equal(
            [CloudRunTaskState.Succeeded, CloudRunTaskState.Running, CloudRunTaskState.Running, CloudRunTaskState.Pending, CloudRunTaskState.Pending],
            tasks.Select(t => t.State));
    }

    [Fact]
    public async Task ListTasks_ExecutionGone_EmptyPage()
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());
        var name = (await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5))).ExecutionName!;
        host.Run.Complete(name);
        host.Run.Expire(name);

        var page = await host.Jobs.ListTasksAsync(name);

        Assert.Empty(page.Items);
        Assert.Null(page.NextPageToken);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public async Task RunExecution_TaskCountOutOfRange_ThrowsWithoutCallingCloudRun(int taskCount)
    {
        await using var host = await GoogleTestHost.StartAsync();
        await host.Jobs.EnsureJobAsync(Spec());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount));

        Assert.Equal(0, host.Run.Calls("jobs.run"));
    }

    [Fact]
    public async Task RunExecution_RunQuotaPerMinuteExceeded_IsThrottledNotAnException_UntilTheMinutePasses()
    {
        var clock = Clock();
        await using var host = await GoogleTestHost.StartAsync(fakeTime: clock);
        host.Run.RunRequestsPerMinute = 2;
        await host.Jobs.EnsureJobAsync(Spec(parallelism: 0));

        var first = await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 100);
        clock.Advance(TimeSpan.FromSeconds(20));
        var second = await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 100);
        var third = await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 100);
        clock.Advance(TimeSpan.FromSeconds(40));
        var fourth = await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 100);

        Assert.Equal(
            [RunExecutionOutcome.Started, RunExecutionOutcome.Started, RunExecutionOutcome.Throttled, RunExecutionOutcome.Started],
            new[] { first, second, third, fourth }.Select(r => r.Outcome));
        Assert.Equal(4, host.Run.Calls("jobs.run"));
        Assert.Equal(3, host.Run.Executions.Count);
        Assert.Equal(300, host.Run.Executions.Sum(e => e.TaskCount));
    }

    [Fact]
    public async Task RunExecution_RunningExecutionsLimitReached_IsThrottled_UntilOneEnds()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Run.MaxRunningExecutions = 2;
        await host.Jobs.EnsureJobAsync(Spec(parallelism: 0));
        var a = await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 10);
        await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 10);

        var refused = await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 10);
        host.Run.Complete(a.ExecutionName!);
        var after = await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 10);

        Assert.Equal(RunExecutionOutcome.Throttled, refused.Outcome);
        Assert.Equal(RunExecutionOutcome.Started, after.Outcome);
        Assert.Equal(3, host.Run.Executions.Count);
        Assert.Equal(2, host.Run.RunningExecutionCount());
    }

    [Fact]
    public async Task RunExecution_StartPacing_OneTokenPerPackWhateverItsTaskCount()
    {
        await using var host = await GoogleTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Google:CloudRun:StartsPerMinute"] = "1",
            ["Google:CloudRun:StartBurst"] = "2",
            ["Google:CloudRun:MaxStartWait"] = "00:00:00",
        });
        await host.Jobs.EnsureJobAsync(Spec(parallelism: 0));

        var first = await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 500);
        var second = await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 500);
        var third = await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 1);

        Assert.Equal((RunExecutionOutcome.Started, RunExecutionOutcome.Started, RunExecutionOutcome.Throttled), (first.Outcome, second.Outcome, third.Outcome));
        Assert.Equal(2, host.Run.Calls("jobs.run"));
        Assert.Equal(1_000, host.Run.Executions.Sum(e => e.TaskCount));
    }

    [Fact]
    public async Task TaskDiesWithoutResult_OnlyThoseTasksFail_ExecutionFailsOnceTheOthersEnd()
    {
        await using var host = await GoogleTestHost.StartAsync();
        host.Run.TaskDiesWithoutResultFraction = 0.3;
        await host.Jobs.EnsureJobAsync(Spec(parallelism: 0));
        var created = new List<FakeExecution>();
        host.Run.ExecutionCreated += created.Add;

        var name = (await host.Jobs.RunExecutionAsync(JobId, PackEnv, TimeSpan.FromMinutes(5), taskCount: 20)).ExecutionName!;
        var fake = Assert.Single(created);
        var dying = fake.Tasks.Where(t => t.DiesWithoutResult).Select(t => t.Index).ToList();
        var first = await host.Jobs.GetExecutionAsync(name);
        foreach (var task in fake.Tasks.Where(t => !t.DiesWithoutResult))
        {
            host.Run.CompleteTask(name, task.Index);
        }

        var done = await host.Jobs.GetExecutionAsync(name);
        var tasks = (await host.Jobs.ListTasksAsync(name)).Items;

        Assert.InRange(dying.Count, 1, 19);
        Assert.Equal(CloudRunExecutionState.Running, first!.State);
        Assert.Equal(dying.Count, first.FailedCount);
        Assert.Equal(CloudRunExecutionState.Failed, done!.State);
        Assert.Equal((20 - dying.Count, dying.Count), (done.SucceededCount, done.FailedCount));
        Assert.Equal(dying, tasks.Where(t => t.State == CloudRunTaskState.Failed).Select(t => t.Index));
        Assert.All(tasks.Where(t => t.State == CloudRunTaskState.Failed), t => Assert.Equal(1, t.ExitCode));
    }
}
