using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestration.Activities.Contracts;
using Orchestration.Adapters.LocalRunner;
using Orchestration.Domain;
using Orchestration.Domain.Specs;
using Orchestration.Durable;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Service;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>A run told that its execution ended (<see cref="Events.ExecutionEnded"/>, sent by <see cref="RunWakeups"/>)
/// polls at once instead of at its next poll time. The polls here come after an hour, and an unclaimed attempt's
/// deadline is an hour away too, so a batch that ends within the test's wait ended by the word alone. Real time on
/// every engine (the embedded engine's skipping clock would skip to the hour).</summary>
public sealed class RunWakeupTests
{
    private static readonly WorkflowSettings HourlyPolls = WorkflowHarness.FastSettings with
    {
        Polling = WorkflowHarness.FastSettings.Polling with
        {
            FirstDelay = TimeSpan.FromHours(1),
            MaxDelay = TimeSpan.FromHours(1),
            StartGrace = TimeSpan.FromHours(1),
        },
    };

    [Theory]
    [Engines]
    public async Task Batch_ExecutionsSayTheyEnded_RunsJudgedWithoutWaitingForTheirPolls(EngineKind engine)
    {
        await using var h = await WorkflowHarness.StartAsync(engine, call => call.FinishAsync(call.RunIndex == 1 ? 3 : 0, "done"), realTime: true, wakeups: true);
        var id = await h.SubmitAsync("""{"id": "wake", "tasks": [{"id": "t", "n": 3, "command": "x", "timeoutSeconds": 7200}]}""", HourlyPolls);

        var summary = (await h.WaitAsync(id, 90)).ReadOutputAs<BatchSummary>()!;

        Assert.Equal(BatchStatus.Completed, summary.Status);
        Assert.Equal((2, 1), (summary.Passed, summary.Failed));
        // Every word was taken: no execution is left watched.
        Assert.Equal(0, h.Services.GetRequiredService<RunWakeups>().Watched);
    }

    [Theory]
    [InlineData(LocalExecutor.Native)]
    [InlineData(LocalExecutor.Script)]
    public async Task Batch_LocalRunnerSeesItsExecutionsEnd_RunsJudgedWithoutWaitingForTheirPolls(LocalExecutor executor)
    {
        await using var h = await WorkflowHarness.StartAsync(
            EngineKind.Embedded, jobs: root => RealRunnerTests.LocalRunner(root, executor), realTime: true, wakeups: true);
        // The real runner's setup and uploads take time after its claim: the production allowances on the deadline.
        var settings = HourlyPolls with { Polling = HourlyPolls.Polling with { AttemptLimits = AttemptTimeLimits.Default } };
        var id = await h.SubmitAsync("""{"id": "wake-local", "tasks": [{"id": "t", "n": 2, "command": "echo hello"}]}""", settings);

        var summary = (await h.WaitAsync(id, 120)).ReadOutputAs<BatchSummary>()!;

        Assert.Equal(BatchStatus.Completed, summary.Status);
        Assert.Equal(2, summary.Passed);
    }

    [Fact]
    public void Ended_BeforeItsRunWatches_WakesTheRunWhenItDoes()
    {
        var client = new RecordingClient();
        var wakeups = Wakeups(client);

        wakeups.Ended("e1");
        wakeups.Watch("e1", "b:t0:r0");
        wakeups.Watch("e2", "b:t0:r1");

        Assert.Equal([("b:t0:r0", Events.ExecutionEnded, "e1")], client.Raised);
        Assert.Equal(1, wakeups.Watched);
    }

    [Fact]
    public void Ended_Watched_WakesItsRunOnce()
    {
        var client = new RecordingClient();
        var wakeups = Wakeups(client);

        wakeups.Watch("e1", "b:t0:r0");
        wakeups.Ended("e1");
        wakeups.Ended("e1");

        Assert.Equal([("b:t0:r0", Events.ExecutionEnded, "e1")], client.Raised);
        Assert.Equal(0, wakeups.Watched);
    }

    [Fact]
    public void Ended_ManyUnwatched_KeepsOnlyTheLatest()
    {
        var client = new RecordingClient();
        var wakeups = Wakeups(client);

        for (var i = 0; i <= RunWakeups.EarlyEnds; i++)
        {
            wakeups.Ended($"e{i}");
        }

        wakeups.Watch("e0", "b:t0:r0");
        wakeups.Watch("e1", "b:t0:r1");

        // The oldest end was forgotten: its run waits for its poll; the next one is still known.
        Assert.Equal([("b:t0:r1", Events.ExecutionEnded, "e1")], client.Raised);
        Assert.Equal(1, wakeups.Watched);
    }

    [Fact]
    public async Task Ended_ClientFails_LoggedAndForgotten()
    {
        var client = new RecordingClient { Fail = true };
        var logs = new CapturingLoggerProvider();
        using var factory = new LoggerFactory([logs]);
        var wakeups = new RunWakeups(new ServiceCollection().AddSingleton<DurableTaskClient>(client).BuildServiceProvider(), factory.CreateLogger<RunWakeups>());

        wakeups.Watch("e1", "b:t0:r0");
        wakeups.Ended("e1");

        await Eventually.HoldsAsync(() => logs.Lines.Any(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Run b:t0:r0 could not be told", StringComparison.Ordinal)), "the failed word logged");
        Assert.Equal(0, wakeups.Watched);
    }

    private static RunWakeups Wakeups(RecordingClient client) =>
        new(new ServiceCollection().AddSingleton<DurableTaskClient>(client).BuildServiceProvider(), NullLogger<RunWakeups>.Instance);

    private sealed class RecordingClient() : DurableTaskClient("recording")
    {
        private readonly ConcurrentQueue<(string, string, string)> _raised = new();

        public bool Fail { get; init; }

        public IReadOnlyList<(string Instance, string Event, string Payload)> Raised => [.. _raised];

        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
        {
            if (Fail)
            {
                return Task.FromException(new InvalidOperationException("the engine is stopped"));
            }

            _raised.Enqueue((instanceId, eventName, (string)eventPayload!));
            return Task.CompletedTask;
        }

        public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => throw new NotSupportedException();

        public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();
    }
}
