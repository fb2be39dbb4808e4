using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Domain;
using Orchestration.Domain.Judging;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>The run's poll loop continued as new after every poll (<c>PollsPerEpisode</c> = 1), with a Cancel
/// meeting it at a known point of the cycle: the run must end cancelled, its execution cancelled, on every
/// engine. Polls come after 20 ms, 200 ms, 2 s, then 20 s (x10, no jitter), and every poll reads the execution,
/// so the n-th execution read is the n-th poll, after which the episode continues as new.</summary>
public sealed class ContinueAsNewTests
{
    private const string Run = "can:t0:r0";

    private static readonly WorkflowSettings OnePollPerEpisode = WorkflowHarness.FastSettings with
    {
        Polling = WorkflowHarness.FastSettings.Polling with
        {
            FirstDelay = TimeSpan.FromMilliseconds(20),
            GrowthFactor = 10,
            MaxDelay = TimeSpan.FromSeconds(60),
            JitterFraction = 0,
            ExecutionCheckEvery = 1,
            PollsPerEpisode = 1,
        },
    };

    [Theory]
    [Engines]
    public async Task Cancel_WhileWaitingInAContinuedEpisode_RunCancelled(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.ClaimAsync());
        var id = await h.SubmitAsync("""{"id": "can", "tasks": [{"id": "t", "command": "x", "timeoutSeconds": 600}]}""", OnePollPerEpisode);

        // Three polls, three ContinueAsNew: the fourth episode waits 20 s for its poll.
        await WaitForContinuedEpisodeAsync(h, polls: 3);
        await h.Client.RaiseEventAsync(id, Events.Cancel, "stop");
        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;

        await AssertRunCancelledAsync(h, summary);
        Assert.Equal(3, h.CloudRun.Gets);
    }

    [Theory]
    [Engines]
    public async Task Cancel_DuringTheLastCheckRunOfAnEpisode_RunCancelled(EngineKind engine)
    {
        var holding = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        WorkflowHarness? harness = null;
        await using var h = harness = await WorkflowHarness.StartAsync(engine, call => call.ClaimAsync(), jobs: _ => _ => new HookedJobsClient(harness!.CloudRun)
        {
            BeforeGet = n => n == 2 ? HoldAsync(holding, release) : Task.CompletedTask,
        });
        var id = await h.SubmitAsync("""{"id": "can", "tasks": [{"id": "t", "command": "x", "timeoutSeconds": 600}]}""", OnePollPerEpisode);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The second poll's CheckRun is held: the Cancel reaches the run while that is its only pending work, and
        // the episode continues as new as soon as the CheckRun answers.
        await h.RaiseAndWaitUntilReceivedAsync(id, Events.Cancel, "stop", Run);
        release.SetResult();
        var summary = (await h.WaitAsync(id)).ReadOutputAs<BatchSummary>()!;

        await AssertRunCancelledAsync(h, summary);
    }

    private static async Task HoldAsync(TaskCompletionSource holding, TaskCompletionSource release)
    {
        holding.TrySetResult();
        await release.Task;
    }

    // Waits until the run has polled `polls` times and continued as new after the last one, and (on the embedded
    // engine, whose history a test can read) until the new episode has set its poll timer. On an SDK backend a
    // Cancel that lands before the new episode has run is queued for it, which is the same case for that engine.
    private static async Task WaitForContinuedEpisodeAsync(WorkflowHarness h, int polls)
    {
        await Eventually.HoldsAsync(
            async () => (await h.Client.GetInstanceAsync(Run, getInputsAndOutputs: true))?.ReadInputAs<RunInput>()?.State?.Poll >= polls
                && (h.Engine != EngineKind.Embedded || WaitsOnTimer(await h.HistoryAsync(Run))),
            $"{Run} continued as new after {polls} polls");
    }

    private static bool WaitsOnTimer(IReadOnlyList<(string Kind, string? Name)> history)
    {
        var episode = history.Skip(history.ToList().FindLastIndex(e => e.Kind == "ExecutionStarted")).ToList();
        return episode.Any(e => e.Kind == "TimerCreated") && episode.All(e => e.Kind != "TimerFired");
    }

    private static async Task AssertRunCancelledAsync(WorkflowHarness h, BatchSummary summary)
    {
        var row = (await h.Results.GetRunAsync(summary.BatchId, 0, 0))!;
        Assert.Equal((BatchStatus.Cancelled, 1), (summary.Status, summary.Cancelled));
        Assert.Equal((RunOutcome.Cancelled, "Cancelled while running."), (row.Outcome, row.Reason));
        Assert.Equal(CloudRunExecutionState.Cancelled, h.CloudRun.Executions.Single().State);
        Assert.Equal(0, (await h.Reaper.ReapAsync()).Cancelled);
    }
}
