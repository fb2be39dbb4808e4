using Orchestration.Activities.Inputs;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Specs;

namespace Orchestration.Workflows.Service;

/// <summary>Results, runs, artifacts and input bundles.</summary>
public sealed partial class BatchService
{
    /// <summary>The artifacts a run attempt leaves, by the name clients use.</summary>
    public static IReadOnlyDictionary<string, (string Object, string ContentType)> Artifacts { get; } = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["stdout"] = (RunnerContract.StdoutObject, "text/plain; charset=utf-8"),
        ["stderr"] = (RunnerContract.StderrObject, "text/plain; charset=utf-8"),
        ["response"] = (RunnerContract.ResponseObject, "text/plain; charset=utf-8"),
        ["transcript"] = (RunnerContract.TranscriptObject, "application/x-ndjson"),
        ["output"] = (RunnerContract.OutputObject, "application/gzip"),
        ["result"] = (RunnerContract.ResultObject, "application/json"),
    };

    /// <summary>The aggregate document (JSON), once PersistAggregate wrote it.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The JSON, or null.</returns>
    public Task<ReadOnlyMemory<byte>?> GetResultsAsync(string batchId, CancellationToken cancellationToken = default) =>
        results.GetAggregateAsync(batchId, cancellationToken);

    /// <summary>A page of run rows, with the task id filter resolved to its ordinal.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="taskId">Only this task.</param>
    /// <param name="outcome">Only this outcome.</param>
    /// <param name="flag">Only runs where this flag fired.</param>
    /// <param name="pageSize">Rows per page.</param>
    /// <param name="continuationToken">Where the last page stopped.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page (as views) and the batch's task labels (for flat columns), or null for an unknown batch or task.</returns>
    public async Task<RunListing?> GetRunsAsync(string batchId, string? taskId, RunOutcome? outcome, string? flag, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        if (await BatchAndTaskAsync(batchId, taskId, cancellationToken).ConfigureAwait(false) is not var (batch, ordinal))
        {
            return null;
        }

        var page = await results.QueryRunsAsync(new RunQuery(batchId, ordinal, outcome, flag, pageSize, continuationToken), cancellationToken).ConfigureAwait(false);
        // Batch labels apply to every task's rows; a task's own label of the same name wins.
        return new RunListing(new RunViewPage([.. page.Items.Select(RunView.From)], page.ContinuationToken), batch.Tasks.Select(t => Labels(batch.Labels, t.Labels)).ToList());
    }

    /// <summary>Runs judged after a cursor, in judged order, with the task id filter resolved to its ordinal.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="taskId">Only this task.</param>
    /// <param name="outcome">Only this outcome.</param>
    /// <param name="after">The cursor (<see cref="JudgedCursor"/>); null or empty = from the first judged run.</param>
    /// <param name="limit">At most this many rows.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The rows, with <see cref="RunViewPage.ContinuationToken"/> holding the next cursor (never null), or
    /// null for an unknown batch or task.</returns>
    /// <exception cref="ArgumentException">The cursor is not valid.</exception>
    public async Task<RunListing?> GetJudgedRunsAsync(string batchId, string? taskId, RunOutcome? outcome, string? after, int limit, CancellationToken cancellationToken = default)
    {
        if (await BatchAndTaskAsync(batchId, taskId, cancellationToken).ConfigureAwait(false) is not var (batch, ordinal))
        {
            return null;
        }

        var page = await results.QueryJudgedAsync(new JudgedRunQuery(batchId, after, limit, ordinal, outcome), cancellationToken).ConfigureAwait(false);
        return new RunListing(new RunViewPage([.. page.Items.Select(RunView.From)], page.Next) { ItemCursors = page.ItemCursors }, batch.Tasks.Select(t => Labels(batch.Labels, t.Labels)).ToList());
    }

    // The stored batch and the ordinal of the task named (null when none is), or null for an unknown batch or task.
    private async Task<(Batch Batch, int? Ordinal)?> BatchAndTaskAsync(string batchId, string? taskId, CancellationToken cancellationToken)
    {
        if (await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        var (_, batch) = await catalog.GetAsync(batchId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (taskId is null)
        {
            return (batch, null);
        }

        return batch.Tasks.FirstOrDefault(t => t.Id == taskId)?.Ordinal is { } ordinal ? (batch, ordinal) : null;
    }

    /// <summary>Lists batches from the batch store (never the durable backend), as the API shows them.</summary>
    /// <param name="statuses">Only these statuses; all when empty.</param>
    /// <param name="pageSize">At most this many items.</param>
    /// <param name="continuationToken">Where the previous page stopped (opaque).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page.</returns>
    public async Task<BatchViewPage> ListViewsAsync(IReadOnlyList<BatchStatus> statuses, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        var page = await batches.ListAsync(new BatchQuery(statuses, PageSize: pageSize, ContinuationToken: continuationToken), cancellationToken).ConfigureAwait(false);
        return new BatchViewPage([.. page.Items.Select(BatchView.From)], page.ContinuationToken);
    }

    /// <summary>Opens an artifact of a run attempt (the last attempt when none is named).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="runIndex">The run index.</param>
    /// <param name="name">stdout, stderr, response, transcript, output or result.</param>
    /// <param name="attempt">The attempt, or null for the last.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The open object (dispose it) and its content type, or null when there is none.</returns>
    public async Task<(ObjectContent Content, string ContentType)?> GetArtifactAsync(string batchId, string taskId, int runIndex, string name, int? attempt, CancellationToken cancellationToken = default)
    {
        if (!Artifacts.TryGetValue(name, out var artifact))
        {
            return null;
        }

        var stored = await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        var (_, batch) = await catalog.GetAsync(batchId, stored.Nonce, cancellationToken).ConfigureAwait(false);
        var task = batch.Tasks.FirstOrDefault(t => t.Id == taskId);
        if (task is null || runIndex < 0 || runIndex >= task.N)
        {
            return null;
        }

        var k = attempt ?? (await results.GetRunAsync(batchId, task.Ordinal, runIndex, cancellationToken).ConfigureAwait(false))?.Attempts ?? 1;
        var content = await objects.GetAsync(RunnerContract.AttemptPrefix(batchId, stored.Nonce, taskId, runIndex, k) + artifact.Object, cancellationToken: cancellationToken).ConfigureAwait(false);
        return content is null ? null : (content, artifact.ContentType);
    }

    /// <summary>Stores an input bundle after checking that the SHA-256 of its uncompressed tar is its name
    /// and that it holds only files and folders (put-if-absent <c>inputs/{sha256}.tar.gz</c>).</summary>
    /// <param name="sha256">The name it is uploaded under.</param>
    /// <param name="gzipPath">The uploaded tar.gz, already size-limited by the caller.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Accepted (stored, or already there), or invalid with the reason.</returns>
    public async Task<(BatchActionResult Result, string? Reason)> PutBundleAsync(string sha256, string gzipPath, CancellationToken cancellationToken = default)
    {
        try
        {
            await BundleVerifier.VerifyAsync(gzipPath, sha256, options.Value.MaxBundleBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BundleException ex)
        {
            return (BatchActionResult.Invalid, ex.Message);
        }

        await using var file = File.OpenRead(gzipPath);
        await objects.PutIfAbsentAsync(RunnerContract.InputBundleObject(sha256), file, "application/gzip", cancellationToken).ConfigureAwait(false);
        return (BatchActionResult.Accepted, null);
    }

    private static IReadOnlyDictionary<string, string> Labels(IReadOnlyDictionary<string, string> batch, IReadOnlyDictionary<string, string> task)
    {
        if (batch.Count == 0)
        {
            return task;
        }

        var merged = new SortedDictionary<string, string>(batch.ToDictionary(), StringComparer.Ordinal);
        foreach (var (name, value) in task)
        {
            merged[name] = value;
        }

        return merged;
    }
}
