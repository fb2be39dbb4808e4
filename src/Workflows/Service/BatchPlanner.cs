using System.Globalization;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Inputs;
using Orchestration.Activities.Steps;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Planning;
using Orchestration.Domain.Specs;

namespace Orchestration.Workflows.Service;

/// <summary>The dry run: validates a document exactly as a submit does, then plans it without storing or
/// starting anything: runs, chunks, jobs, input sets (and what of them is uploaded) and a cost estimate.</summary>
/// <remarks>It only reads: the batch store (does the batch exist), object metadata (is a bundle there; never the
/// <c>customTime</c> refresh preparation does) and the job list. Bundles of inline and path inputs are built in a
/// temporary file to learn their names, as PrepareBatch would name them, and deleted.</remarks>
/// <param name="batches">The batch store.</param>
/// <param name="objects">The object store.</param>
/// <param name="jobs">Cloud Run (or the local runner).</param>
/// <param name="bundler">Builds input bundles.</param>
/// <param name="runSettings">Bucket, job naming, identities, path root and prices.</param>
/// <param name="options">Limits, defaults and workflow settings.</param>
/// <param name="time">The clock.</param>
public sealed class BatchPlanner(
    IBatchStore batches, IObjectStore objects, ICloudRunJobsClient jobs, InputBundler bundler,
    IOptions<RunSettings> runSettings, IOptions<BatchServiceOptions> options, TimeProvider time)
{
    /// <summary>The plan's statement that it changed nothing.</summary>
    public const string NothingStarted = "Dry run: nothing was started or stored (no batch record, orchestration, object or job was created).";

    /// <summary>How the estimate is made, in the plan's words.</summary>
    private static readonly string CostNote = string.Create(CultureInfo.InvariantCulture,
        $"The upper bound bills every attempt of every run for its whole Cloud Run task timeout (timeoutSeconds + {AttemptTimeLimits.DefaultSetupSeconds} s setup + {AttemptTimeLimits.DefaultUploadMarginSeconds} s upload margin), plus maxBudgetUsd per Claude attempt. The likely value is not estimated: no store keeps earlier durations by task content yet.");

    /// <summary>Most pages of the job list read to tell which jobs exist; past it the rest is reported as unknown.</summary>
    private const int MaxJobPages = 20;

    /// <summary>Plans a document.</summary>
    /// <param name="document">The batch JSON.</param>
    /// <param name="idempotencyKey">The <c>Idempotency-Key</c> header, used when the document names no id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan, or the problems a submit would answer.</returns>
    public async Task<PlanResult> PlanAsync(ReadOnlyMemory<byte> document, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var intake = SubmissionIntake.Read(document.Span, idempotencyKey, settings, time, out var generated);
        if (!intake.IsValid)
        {
            return new PlanResult(null, intake.Problems);
        }

        var batch = intake.Batch;
        var run = runSettings.Value;
        var existing = generated ? null : await batches.GetAsync(batch.Id, cancellationToken).ConfigureAwait(false);
        var warnings = new List<string>();
        var prices = run.Prices;
        var packed = settings.Workflow.Packing;
        var jobNames = batch.Tasks.Select(t => PrepareBatch.JobKeyOf(t, run, packed).JobName(run.JobPrefix)).ToList();
        var tasks = batch.Tasks.Select(t => new DryRunTask(t.Ordinal, t.Id, WireNames.Of(t.Kind), t.N, t.MaxAttempts, t.TimeoutSeconds,
            t.Profile.Cpu, t.Profile.Memory, t.MaxBudgetUsd, jobNames[t.Ordinal], InputSets.KeyOf(t.Inputs)?[..12],
            CostEstimator.ForTask(t, prices, AttemptTimeLimits.Default))).ToList();
        foreach (var task in tasks.Where(t => !t.Cost.Bounded))
        {
            warnings.Add($"Task '{task.Id}' is a Claude task without maxBudgetUsd: its Claude cost has no upper bound (the estimate counts Cloud Run only).");
        }

        var inputSets = await InputSetsAsync(batch, run, warnings, cancellationToken).ConfigureAwait(false);
        var counts = batch.Tasks.Select(t => t.N).ToList();
        var chunks = ChunkPlanner.Chunks(counts, settings.Workflow.ChunkSize);
        var concurrency = batch.MaxCostUsd is null
            ? ChunkPlanner.Concurrency(batch.MaxParallelRuns, settings.Workflow.ChunkSize, chunks.Count)
            : BudgetGate.Concurrency(batch.MaxParallelRuns, settings.Workflow.ChunkSize);
        var cost = CostEstimator.Sum([.. tasks.Select(t => t.Cost)]);
        return new PlanResult(new DryRunPlan(
            true,
            NothingStarted,
            generated ? null : batch.Id,
            existing is not null,
            existing is null ? null : WireNames.Of(existing.Status),
            SubmitWould(batch.Id, intake.Hash!, existing, generated),
            batch.TotalRuns,
            batch.MaxParallelRuns,
            new DryRunChunks(settings.Workflow.ChunkSize, chunks.Count, concurrency.ChunksAtOnce, concurrency.WindowPerChunk),
            tasks,
            await JobsAsync(batch, jobNames, run, cancellationToken).ConfigureAwait(false),
            inputSets,
            cost,
            new DryRunPrices(run.VcpuSecondUsd, run.GibSecondUsd),
            CostNote,
            warnings,
            Budget(batch, cost, prices)), []);
    }

    private static DryRunBudget? Budget(Batch batch, CostEstimate cost, AggregationOptions prices)
    {
        if (batch.MaxCostUsd is not { } cap)
        {
            return null;
        }

        // The runs a gate with nothing spent would start one after another if each cost its whole bound.
        var gate = new BudgetGate(cap);
        var upper = batch.Tasks.Select(t => BudgetGate.AttemptUpperUsd(t, prices, AttemptTimeLimits.Default)).ToList();
        var fit = ChunkPlanner.LaunchOrder([.. batch.Tasks.Select(t => t.N)]).TakeWhile(r => gate.TryReserve(r, upper[r.TaskOrdinal])).Count();
        return new DryRunBudget(cap, cost.UpperUsd > cap, fit,
            "Runs start while the judged runs' cost plus one attempt's upper bound for every run in flight and for the next run stays within maxCostUsd; then no more start, the runs in flight finish, and the batch ends as stopped with the rest counted as skipped.");
    }

    private static string SubmitWould(string id, string hash, StoredBatch? existing, bool generated) => existing switch
    {
        _ when generated => "create a new batch under a generated id (name an id, or send an Idempotency-Key, to make repeats find it)",
        null => $"create batch '{id}' and start it",
        { Status: BatchStatus.Purging } => $"be refused (409): batch '{id}' is being purged",
        { } stored when stored.Hash != hash => $"be refused (409): a different batch with id '{id}' exists",
        { } stored => $"return the existing batch '{id}' ({WireNames.Of(stored.Status)}); nothing new would be created or started",
    };

    private async Task<List<DryRunJob>> JobsAsync(Batch batch, List<string> names, RunSettings run, CancellationToken cancellationToken)
    {
        var existing = await ExistingJobsAsync(run.JobPrefix + "-", cancellationToken).ConfigureAwait(false);
        return [.. batch.Tasks
            .GroupBy(t => names[t.Ordinal], StringComparer.Ordinal)
            .Select(g => new DryRunJob(g.Key, WireNames.Of(g.First().Kind), g.First().Profile.Image, g.First().Profile.Cpu, g.First().Profile.Memory,
                [.. g.Select(t => t.Id)], existing?.Contains(g.Key)))];
    }

    /// <summary>The names of this deployment's jobs, or null when the list cannot be read cheaply (an error, or too many pages).</summary>
    private async Task<HashSet<string>?> ExistingJobsAsync(string prefix, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        try
        {
            for (var page = 0; page < MaxJobPages; page++)
            {
                var listed = await jobs.ListJobsAsync(prefix, pageToken: token, cancellationToken: cancellationToken).ConfigureAwait(false);
                names.UnionWith(listed.Items.Select(j => j.Id));
                token = listed.NextPageToken;
                if (token is null)
                {
                    return names;
                }
            }
        }
        catch (CloudServiceException)
        {
            // A plan is still worth having when the job list cannot be read (permissions, an outage): existence is unknown.
        }

        return null;
    }

    private async Task<List<DryRunInputSet>> InputSetsAsync(Batch batch, RunSettings run, List<string> warnings, CancellationToken cancellationToken)
    {
        var sets = new List<DryRunInputSet>();
        foreach (var (key, ordinals) in InputSets.Distinct(batch))
        {
            var task = batch.Tasks[ordinals[0]];
            var found = new List<DryRunObject>();
            string? problem = null;
            try
            {
                var inline = PrepareBatch.InlineEntries(task, run.PathInputRoot);
                if (inline.Count > 0)
                {
                    found.Add(await InlineBundleAsync(inline, cancellationToken).ConfigureAwait(false));
                }
            }
            catch (Exception ex) when (ex is PreparationException or BundleException)
            {
                problem = ex.Message;
            }

            var ids = ordinals.Select(o => batch.Tasks[o].Id).ToList();
            if (problem is not null)
            {
                warnings.Add($"Input set {key[..12]} ({string.Join(", ", ids)}): {problem} A real submit would be accepted and then fail while preparing.");
            }

            foreach (var (name, source) in task.Inputs)
            {
                if (await ReferenceAsync(name, source, run, cancellationToken).ConfigureAwait(false) is not { } reference)
                {
                    continue;
                }

                found.Add(reference);
                if (reference.Uploaded == false)
                {
                    warnings.Add($"Input '{name}' of {string.Join(", ", ids)} names {reference.Reference}, which is not in the bucket: preparing would fail unless it is uploaded first.");
                }
            }

            sets.Add(new DryRunInputSet(key[..12], ids, found, problem));
        }

        return sets;
    }

    private async Task<DryRunObject> InlineBundleAsync(List<BundleEntry> entries, CancellationToken cancellationToken)
    {
        var built = await bundler.BuildAsync(entries, cancellationToken).ConfigureAwait(false);
        try
        {
            return new DryRunObject(PrepareBatch.InputSetBundleName, "bundle", built.Sha256, built.GzipBytes,
                await ExistsAsync(RunnerContract.InputBundleObject(built.Sha256), cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            File.Delete(built.GzipPath);
        }
    }

    private async Task<DryRunObject?> ReferenceAsync(string name, InputSource source, RunSettings run, CancellationToken cancellationToken)
    {
        if (source.Bundle is { } sha)
        {
            return new DryRunObject(name, "bundle", sha, null, await ExistsAsync(RunnerContract.InputBundleObject(sha), cancellationToken).ConfigureAwait(false));
        }

        if (source.Gcs is { } uri)
        {
            // Only objects of the deployment's own bucket are checked (as PrepareBatch pins them); folders and other buckets are read by the runner.
            var ownBucket = $"gs://{run.Bucket}/";
            bool? there = uri.StartsWith(ownBucket, StringComparison.Ordinal) && !uri.EndsWith('/')
                ? await ExistsAsync(uri[ownBucket.Length..], cancellationToken).ConfigureAwait(false)
                : null;
            return new DryRunObject(name, "gcs", uri, null, there);
        }

        return source.Git is { } git ? new DryRunObject(name, "git", $"{git.Url}@{git.Ref ?? "HEAD"}", null, null) : null;
    }

    /// <summary>Whether an object is in the bucket; null when the store cannot say (the plan is still worth having).</summary>
    private async Task<bool?> ExistsAsync(string objectName, CancellationToken cancellationToken)
    {
        try
        {
            return await objects.GetMetadataAsync(objectName, cancellationToken).ConfigureAwait(false) is not null;
        }
        catch (CloudServiceException)
        {
            return null;
        }
    }
}
