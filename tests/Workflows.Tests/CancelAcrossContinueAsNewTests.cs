using System.Collections.Concurrent;
using System.Globalization;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Planning;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>Issue 20 section 3: with a slow CheckRun and one poll per episode, nearly every Cancel reaches a run
/// while its episode's last CheckRun is in flight or right around the ContinueAsNew that follows it. Every such
/// Cancel must end the run, promptly, and each run must be counted once.</summary>
/// <remarks>Only <see cref="WorkflowHarness.StartAsync"/> knows the engine: the test sees the batch through the
/// seam's client, the result store and the in-memory Cloud Run, so it runs unchanged on another engine.</remarks>
public sealed class CancelAcrossContinueAsNewTests
{
    private const int Runs = 4;
    private const int Rounds = 6;

    // As found on the real SDK: a 400 ms CheckRun. Each CheckRun reads the execution once (ExecutionCheckEvery = 1),
    // so the read is where it is slow and where the test counts polls.
    private static readonly TimeSpan SlowRead = TimeSpan.FromMilliseconds(400);

    private static readonly WorkflowSettings OnePollPerEpisode = WorkflowHarness.FastSettings with
    {
        ChunkSize = 2,
        Polling = WorkflowHarness.FastSettings.Polling with { PollsPerEpisode = 1, ExecutionCheckEvery = 1 },
    };

    [Theory]
    [Engines]
    public async Task Cancel_AtManyPointsOfSlowOnePollEpisodes_EveryRunEndsCancelledPromptlyAndOnce(EngineKind engine)
    {
        // Arrange: runners that claim and then work on and on, so only the Cancel can end a run.
        var calls = new ConcurrentDictionary<string, RunnerCall>(StringComparer.Ordinal);
        var reads = new SlowExecutionReads(SlowRead);
        await using var h = await WorkflowHarness.StartAsync(
            engine,
            call =>
            {
                calls[call.Execution.Name] = call;
                return call.ClaimAsync();
            },
            jobs: _ => _ => reads);
        reads.Inner = h.CloudRun;

        for (var r = 0; r < Rounds; r++)
        {
            // Even rounds cancel the batch (forwarded by its chunks, as in production); odd rounds cancel each run
            // directly, so each Cancel lands at the run where the round puts it.
            var round = new Round(r, cancelRunsDirectly: r % 2 == 1, h, calls, reads);
            var cancelsBefore = h.CloudRun.Cancels;
            reads.OnRead = round.OnRead;
            var id = await h.SubmitAsync(
                $$"""{"id": "{{round.BatchId}}", "tasks": [{"id": "t", "n": {{Runs}}, "command": "work on and on", "timeoutSeconds": 3600}]}""",
                OnePollPerEpisode);

            // Act
            await round.AllSent.WaitAsync(TimeSpan.FromSeconds(60));
            var summary = await EndOrExplainAsync(h, id, round, reads);

            // Assert: every run cancelled while running and counted once, its one execution cancelled once, and no
            // run polling on after its Cancel: a Cancel sent to the run stops it before another read begins (give or
            // take a poll timer firing as it arrives); one sent to the batch may see two more begin on its way
            // through the batch and the chunk.
            var rows = (await h.Results.QueryRunsAsync(new RunQuery(id))).Items;
            var executions = round.Executions();
            Assert.Equal(Runs, summary.Runs);
            Assert.Equal((Runs, 0, 0, 0, 0), (summary.Cancelled, summary.Passed, summary.Failed, summary.Errored, summary.TimedOut));
            Assert.Equal(Runs, rows.Count);
            Assert.All(rows, row => Assert.Equal((RunOutcome.Cancelled, "Cancelled while running."), (row.Outcome, row.Reason)));
            Assert.Equal(Runs, executions.Count);
            Assert.All(executions, e => Assert.Equal(CloudRunExecutionState.Cancelled, h.CloudRun.Executions.Single(x => x.Name == e).State));
            Assert.Equal(Runs, h.CloudRun.Cancels - cancelsBefore);
            Assert.All(executions, e => Assert.InRange(reads.Count(e) - round.ReadsAtCancel(e), 0, round.CancelRunsDirectly ? 1 : 3));
            if (!round.CancelRunsDirectly)
            {
                Assert.Equal(BatchStatus.Cancelled, summary.Status);
            }
        }
    }

    // Waits for the batch to end; a run that ignored its Cancel keeps it running, so the failure names those runs.
    private static async Task<BatchSummary> EndOrExplainAsync(WorkflowHarness h, string id, Round round, SlowExecutionReads reads)
    {
        try
        {
            return (await h.WaitAsync(id, seconds: 30)).ReadOutputAs<BatchSummary>()!;
        }
        catch (TimeoutException)
        {
            var stuck = new List<string>();
            foreach (var execution in round.Executions())
            {
                var run = InstanceIds.Run(id, new RunRef(0, round.RunOf(execution)));
                if (await h.Client.GetInstanceAsync(run) is not { IsCompleted: true })
                {
                    stuck.Add($"{run} ({reads.Count(execution) - round.ReadsAtCancel(execution)} polls since its Cancel)");
                }
            }

            Assert.Fail($"{round}: 30 s after the Cancel, {stuck.Count} of {Runs} runs still poll: {string.Join(", ", stuck)}.");
            throw;
        }
    }

    /// <summary>Where one round sends its Cancel: when a run begins a given read (poll), plus an offset into that
    /// 400 ms read. From the read's start to past its end, the offsets cover the CheckRun, the ContinueAsNew after
    /// it and the short poll wait of the next episode.</summary>
    private sealed class Round(int index, bool cancelRunsDirectly, WorkflowHarness h, ConcurrentDictionary<string, RunnerCall> calls, SlowExecutionReads reads)
    {
        private readonly ConcurrentDictionary<string, int> _readsAtCancel = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _allSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _pending = cancelRunsDirectly ? Runs : 1;

        public string BatchId { get; } = string.Create(CultureInfo.InvariantCulture, $"lost-cancel-{index}");

        public bool CancelRunsDirectly => cancelRunsDirectly;

        public Task AllSent => _allSent.Task;

        public List<string> Executions() =>
            [.. calls.Values.Where(c => c.Prefix.Contains($"/{BatchId}/", StringComparison.Ordinal)).Select(c => c.Execution.Name)];

        public int RunOf(string execution) => calls[execution].RunIndex;

        /// <summary>The execution's reads when its run was sent a Cancel (directly or through the batch).</summary>
        public int ReadsAtCancel(string execution) => _readsAtCancel[execution];

        public void OnRead(string execution, int count)
        {
            if (!calls.TryGetValue(execution, out var call) || !call.Prefix.Contains($"/{BatchId}/", StringComparison.Ordinal))
            {
                return;
            }

            var run = call.RunIndex;
            if ((cancelRunsDirectly || run == index % Runs) && count == ReadOf(run))
            {
                _ = SendAsync(run);
            }
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"round {index} (Cancel to {(cancelRunsDirectly ? "each run" : "the batch")} at {string.Join(", ", Enumerable.Range(0, Runs).Where(r => cancelRunsDirectly || r == index % Runs).Select(r => $"r{r}: read {ReadOf(r)} + {OffsetOf(r)} ms"))})");

        // Past the first read, so the run has continued as new at least once by then.
        private int ReadOf(int run) => 2 + ((index + run) % 2);

        // Spread over 0..559 ms: the 400 ms read, then the ContinueAsNew and the next poll wait (50..200 ms).
        private int OffsetOf(int run) => ((index * Runs) + run) * 97 % 560;

        private async Task SendAsync(int run)
        {
            try
            {
                await Task.Delay(OffsetOf(run));
                foreach (var execution in Executions().Where(e => !cancelRunsDirectly || RunOf(e) == run))
                {
                    _readsAtCancel[execution] = reads.Count(execution);
                }

                await h.Client.RaiseEventAsync(cancelRunsDirectly ? InstanceIds.Run(BatchId, new RunRef(0, run)) : BatchId, Events.Cancel, "stop");
                if (Interlocked.Decrement(ref _pending) == 0)
                {
                    _allSent.TrySetResult();
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _allSent.TrySetException(ex);
            }
        }
    }

    /// <summary>The harness's Cloud Run with slow execution reads, counted per execution, each announced as it begins.</summary>
    private sealed class SlowExecutionReads(TimeSpan delay) : ICloudRunJobsClient
    {
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

        public ICloudRunJobsClient? Inner { get; set; }

        public Action<string, int>? OnRead { get; set; }

        private ICloudRunJobsClient Jobs => Inner ?? throw new InvalidOperationException("Inner is set once the harness exists.");

        public int Count(string execution) => _counts.GetValueOrDefault(execution);

        public async Task<CloudRunExecution?> GetExecutionAsync(string executionName, CancellationToken cancellationToken = default)
        {
            OnRead?.Invoke(executionName, _counts.AddOrUpdate(executionName, 1, (_, n) => n + 1));
            await Task.Delay(delay, cancellationToken);
            return await Jobs.GetExecutionAsync(executionName, cancellationToken);
        }

        public Task<CloudRunJob> EnsureJobAsync(CloudRunJobSpec spec, CancellationToken cancellationToken = default) =>
            Jobs.EnsureJobAsync(spec, cancellationToken);

        public Task<RunExecutionResult> RunExecutionAsync(string jobId, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, int taskCount = 1, CancellationToken cancellationToken = default) =>
            Jobs.RunExecutionAsync(jobId, environment, timeout, taskCount, cancellationToken);

        public Task<bool> CancelExecutionAsync(string executionName, CancellationToken cancellationToken = default) =>
            Jobs.CancelExecutionAsync(executionName, cancellationToken);

        public Task<CloudRunPage<CloudRunExecution>> ListExecutionsAsync(string jobId, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
            Jobs.ListExecutionsAsync(jobId, pageToken, pageSize, cancellationToken);

        public Task<CloudRunPage<CloudRunTask>> ListTasksAsync(string executionName, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
            Jobs.ListTasksAsync(executionName, pageToken, pageSize, cancellationToken);

        public Task<CloudRunPage<CloudRunJob>> ListJobsAsync(string? idPrefix = null, IReadOnlyDictionary<string, string>? labels = null, string? pageToken = null, CancellationToken cancellationToken = default) =>
            Jobs.ListJobsAsync(idPrefix, labels, pageToken, cancellationToken);

        public Task<bool> DeleteJobAsync(string jobId, CancellationToken cancellationToken = default) =>
            Jobs.DeleteJobAsync(jobId, cancellationToken);
    }
}
