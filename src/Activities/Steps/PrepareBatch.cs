using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Git;
using Orchestration.Activities.Inputs;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Planning;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Steps;

/// <summary>Turns a stored batch into a runnable plan: pins inputs, bundles each distinct input set once,
/// writes each task's spec.json, ensures each job key's Cloud Run job, and marks the batch running.</summary>
/// <remarks>At-least-once: bundles are content-addressed (put-if-absent), specs and jobs are rewritten
/// or found as they are, and a ref is pinned again to the same commit unless it moved between two
/// tries, in which case the specs are rewritten before any run starts. Returns ids, URIs and counts.</remarks>
/// <param name="catalog">Stored batches.</param>
/// <param name="batches">The batch store (status).</param>
/// <param name="objects">The object store.</param>
/// <param name="jobs">Cloud Run (or the local runner).</param>
/// <param name="git">Resolves git refs.</param>
/// <param name="bundler">Builds input bundles.</param>
/// <param name="settings">Run settings.</param>
/// <param name="time">The clock.</param>
public sealed class PrepareBatch(
    BatchCatalog catalog, IBatchStore batches, IObjectStore objects, ICloudRunJobsClient jobs, IGitResolver git,
    InputBundler bundler, IOptions<RunSettings> settings, TimeProvider time) : IActivity<PrepareBatchInput, BatchPlan>
{
    /// <summary>The name of an input-set bundle in a spec: it unpacks at the input root.</summary>
    public const string InputSetBundleName = ".";

    /// <inheritdoc />
    public async Task<BatchPlan> RunAsync(PrepareBatchInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (stored, batch) = await catalog.GetAsync(input.BatchId, cancellationToken: cancellationToken).ConfigureAwait(false);
        var options = settings.Value;
        var bundles = new Dictionary<string, string>(StringComparer.Ordinal);
        var jobIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var tasks = new List<TaskPlan>(batch.Tasks.Count);
        var prices = options.Prices;
        foreach (var task in batch.Tasks)
        {
            var inputs = await PinInputsAsync(task, bundles, cancellationToken).ConfigureAwait(false);
            var specName = RunnerContract.SpecObject(batch.Id, stored.Nonce, task.Id);
            await WriteSpecAsync(specName, Spec(batch, task, inputs), cancellationToken).ConfigureAwait(false);
            var jobId = await EnsureJobAsync(jobs, options, task, jobIds, input.Packed, cancellationToken).ConfigureAwait(false);
            tasks.Add(new TaskPlan(task.Ordinal, task.Id, task.Kind, task.N, task.MaxAttempts, task.TimeoutSeconds, jobId, options.Uri(specName),
                batch.MaxCostUsd is null ? null : BudgetGate.AttemptUpperUsd(task, prices, AttemptTimeLimits.Default)));
        }

        await batches.SetStatusAsync(batch.Id, BatchStatus.Running, null, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return new BatchPlan(batch.Id, stored.Nonce, batch.MaxParallelRuns, batch.WebhookUrl is not null, tasks, batch.MaxCostUsd);
    }

    private async Task<List<SpecInput>> PinInputsAsync(BatchTask task, Dictionary<string, string> bundles, CancellationToken cancellationToken)
    {
        var pinned = new List<SpecInput>();
        var inline = InlineEntries(task, settings.Value.PathInputRoot);
        foreach (var (name, source) in task.Inputs.Where(i => !IsInline(i.Value)))
        {
            pinned.Add(await PinReferenceAsync(name, source, cancellationToken).ConfigureAwait(false));
        }

        if (inline.Count > 0)
        {
            var key = InputSets.KeyOf(task.Inputs)!;
            if (!bundles.TryGetValue(key, out var uri))
            {
                bundles[key] = uri = await UploadBundleAsync(inline, cancellationToken).ConfigureAwait(false);
            }

            pinned.Insert(0, new SpecInput(InputSetBundleName, Bundle: uri));
        }

        return pinned;
    }

    private async Task<SpecInput> PinReferenceAsync(string name, InputSource source, CancellationToken cancellationToken)
    {
        if (source.Git is { } repo)
        {
            var gitRef = repo.Ref ?? "HEAD";
            return new SpecInput(name, Git: new SpecGit(repo.Url!, gitRef, await git.ResolveAsync(repo.Url!, gitRef, cancellationToken).ConfigureAwait(false)));
        }

        if (source.Bundle is { } sha)
        {
            var objectName = RunnerContract.InputBundleObject(sha);
            if (await objects.SetCustomTimeAsync(objectName, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is null)
            {
                throw new PreparationException($"Input '{name}' names bundle {sha}, which was never uploaded (PUT /api/inputs/{sha}).");
            }

            return new SpecInput(name, Bundle: settings.Value.Uri(objectName));
        }

        var uri = source.Gcs!;
        var ownBucket = $"gs://{settings.Value.Bucket}/";
        string? generation = null;
        if (uri.StartsWith(ownBucket, StringComparison.Ordinal) && !uri.EndsWith('/'))
        {
            var metadata = await objects.GetMetadataAsync(uri[ownBucket.Length..], cancellationToken).ConfigureAwait(false)
                ?? throw new PreparationException($"Input '{name}': {uri} does not exist.");
            generation = metadata.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new SpecInput(name, Gcs: new SpecGcs(uri, generation));
    }

    private async Task<string> UploadBundleAsync(List<BundleEntry> entries, CancellationToken cancellationToken)
    {
        BuiltBundle built;
        try
        {
            built = await bundler.BuildAsync(entries, cancellationToken).ConfigureAwait(false);
        }
        catch (BundleException ex)
        {
            throw new PreparationException(ex.Message, ex);
        }

        try
        {
            var objectName = RunnerContract.InputBundleObject(built.Sha256);
            // A metadata read first: the precondition stops an overwrite, not the upload, so a reused bundle
            // costs one small call instead of its bytes; reuse refreshes customTime so lifecycle keeps it.
            if (await objects.SetCustomTimeAsync(objectName, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is null)
            {
                await using var file = File.OpenRead(built.GzipPath);
                await objects.PutIfAbsentAsync(objectName, file, "application/gzip", cancellationToken).ConfigureAwait(false);
            }

            return settings.Value.Uri(objectName);
        }
        finally
        {
            File.Delete(built.GzipPath);
        }
    }

    /// <summary>The inputs of a task that go into its input-set bundle (text, base64 and path inputs), in name order.</summary>
    /// <remarks>Shared with the dry run, so that it names the same bundle as a real preparation would.</remarks>
    /// <param name="task">The normalised task.</param>
    /// <param name="pathInputRoot">The folder path inputs must stay under; null refuses them.</param>
    /// <returns>The bundle's entries (empty when the task has none).</returns>
    /// <exception cref="PreparationException">A path input is refused (no root, outside it, or through a link).</exception>
    public static List<BundleEntry> InlineEntries(BatchTask task, string? pathInputRoot)
    {
        ArgumentNullException.ThrowIfNull(task);
        var inline = new List<BundleEntry>();
        foreach (var (name, source) in task.Inputs.Where(i => IsInline(i.Value)))
        {
            inline.Add(source.Text is not null ? new BundleEntry(name, Encoding.UTF8.GetBytes(source.Text))
                : source.Base64 is not null ? new BundleEntry(name, Convert.FromBase64String(source.Base64))
                : new BundleEntry(name, LocalPath: ResolvePath(name, source.Path!, pathInputRoot)));
        }

        return inline;
    }

    /// <summary>The key of a task's Cloud Run job under these settings (what <see cref="RunAsync"/> ensures).</summary>
    /// <param name="task">The normalised task.</param>
    /// <param name="options">The run settings (identities and secrets per kind).</param>
    /// <param name="packed">Whether the batch starts its attempts in packs.</param>
    /// <returns>The job key; its <see cref="JobKey.JobName"/> with the job prefix is the job's name.</returns>
    public static JobKey JobKeyOf(BatchTask task, RunSettings options, bool packed)
    {
        ArgumentNullException.ThrowIfNull(options);
        var identities = new Dictionary<TaskKind, JobIdentity>
        {
            [TaskKind.Command] = new(options.CommandServiceAccount, options.CommandSecrets),
            [TaskKind.Claude] = new(options.ClaudeServiceAccount, options.ClaudeSecrets),
        };
        return JobKey.For(task, identities, RunnerContract.Version, packed ? 0 : null);
    }

    private static bool IsInline(InputSource source) => source.Text is not null || source.Base64 is not null || source.Path is not null;

    private static string ResolvePath(string name, string path, string? pathInputRoot)
    {
        var root = pathInputRoot
            ?? throw new PreparationException($"Input '{name}' is a local path, and this host accepts none (no path root is configured).");
        var fullRoot = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(fullRoot, path));
        if (!(full + Path.DirectorySeparatorChar).StartsWith(fullRoot, StringComparison.Ordinal))
        {
            throw new PreparationException($"Input '{name}': {path} is outside the folder path inputs may come from.");
        }

        // A link anywhere on the way (root/link -> /etc) would lead outside the root while the string stays inside.
        var walked = fullRoot.TrimEnd(Path.DirectorySeparatorChar);
        foreach (var segment in full[fullRoot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            walked = Path.Combine(walked, segment);
            if (new FileInfo(walked).LinkTarget is not null)
            {
                throw new PreparationException($"Input '{name}': {path} goes through a link ({walked}); links are not followed.");
            }
        }

        return full;
    }

    private async Task WriteSpecAsync(string name, RunSpec spec, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(spec, ActivitiesJson.Options.Info<RunSpec>()));
        await objects.PutAsync(name, body, "application/json", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ensures the Cloud Run job of <paramref name="task"/>'s job key (once per key in <paramref name="ensured"/>).</summary>
    /// <param name="jobs">Cloud Run (or the local runner).</param>
    /// <param name="options">Run settings.</param>
    /// <param name="task">The normalised task.</param>
    /// <param name="ensured">Jobs ensured so far by this preparation.</param>
    /// <param name="packed">Whether the batch starts its attempts in packs.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job id.</returns>
    internal static async Task<string> EnsureJobAsync(ICloudRunJobsClient jobs, RunSettings options, BatchTask task, Dictionary<string, string> ensured, bool packed, CancellationToken cancellationToken)
    {
        var key = JobKeyOf(task, options, packed);
        var jobId = key.JobName(options.JobPrefix);
        if (ensured.ContainsKey(jobId))
        {
            return jobId;
        }

        var secrets = key.SecretEnv.ToDictionary(p => p.Key, p => SecretReference.Parse(p.Value), StringComparer.Ordinal);
        // The runner scrubs values of the env names it is told about: a mounted secret a command echoes
        // must not reach stdout.txt or result.json.
        var env = secrets.Count == 0
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { [RunnerContract.SecretNamesVariable] = string.Join(',', secrets.Keys.Order(StringComparer.Ordinal)) };
        var spec = new CloudRunJobSpec(jobId, key.Image, key.Cpu, key.Memory, key.ServiceAccount, env, secrets,
            TimeSpan.FromHours(24), RunnerContract.JobLabels(options.JobPrefix), Parallelism: packed ? 0 : 1);
        await jobs.EnsureJobAsync(spec, cancellationToken).ConfigureAwait(false);
        ensured[jobId] = jobId;
        return jobId;
    }


    private static RunSpec Spec(Batch batch, BatchTask task, IReadOnlyList<SpecInput> inputs) => new()
    {
        RunnerVersion = RunnerContract.Version,
        BatchId = batch.Id,
        TaskId = task.Id,
        TaskOrdinal = task.Ordinal,
        Kind = task.Kind,
        Command = task.Command,
        Prompt = task.Prompt,
        PreCommand = task.PreCommand,
        PostCommand = task.PostCommand,
        Claude = task.Kind == TaskKind.Claude
            ? new ClaudeSpec(task.Model!, task.MaxTurns, task.SystemPrompt, task.AppendSystemPrompt, task.AllowedTools, task.DisallowedTools, task.MaxBudgetUsd)
            : null,
        TimeoutSeconds = task.TimeoutSeconds,
        Inputs = inputs,
        Env = task.Profile.Env,
        FlagFiles = [.. task.Flags.Values.Select(r => r.VerdictFile ?? r.File).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        Limits = new SpecLimits(),
    };
}
