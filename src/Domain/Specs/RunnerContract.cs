using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Orchestration.Domain.Specs;

/// <summary>Names shared by the orchestrator and the runner script (runner/): env variables, object
/// names under an attempt prefix (DESIGN sections 8 and 9), the layout of the bucket (input bundles,
/// submission and attempt prefixes) and the labels of the jobs this product creates. The one place that
/// builds or parses these names.</summary>
public static class RunnerContract
{
    /// <summary>The contract version; part of every job key, so a new runner gets new jobs.</summary>
    public const string Version = "1";

    /// <summary>Env: the <c>gs://</c> URI of the task's spec.json.</summary>
    public const string SpecUriVariable = "RUN_SPEC_URI";

    /// <summary>Env: the <c>gs://…/a{k}/</c> prefix the attempt writes under.</summary>
    public const string PrefixVariable = "RUN_PREFIX";

    /// <summary>Env: the attempt number k.</summary>
    public const string AttemptVariable = "RUN_ATTEMPT";

    /// <summary>Env set by Cloud Run (and the local runner): the execution's name.</summary>
    public const string ExecutionVariable = "CLOUD_RUN_EXECUTION";

    /// <summary>Env of a job with secret env: the names of those variables, comma separated, whose values
    /// the runner scrubs from every upload (it knows only a few names by itself).</summary>
    public const string SecretNamesVariable = "RUNNER_SECRET_ENV_NAMES";

    /// <summary>Written by StartRun: the execution it started.</summary>
    public const string ExecutionObject = "execution";

    /// <summary>Created if absent by the runner: <c>{execution, startedAt}</c>; decides duplicates.</summary>
    public const string ClaimObject = "claim";

    /// <summary>Written last by the runner.</summary>
    public const string ResultObject = "result.json";

    /// <summary>What flag rules read.</summary>
    public const string ResponseObject = "response.txt";

    /// <summary>Captured standard output (tail kept when capped).</summary>
    public const string StdoutObject = "stdout.txt";

    /// <summary>Captured standard error (tail kept when capped).</summary>
    public const string StderrObject = "stderr.txt";

    /// <summary>Claude's stream-json transcript.</summary>
    public const string TranscriptObject = "transcript.jsonl";

    /// <summary>A tarball of <c>/workspace/output</c>.</summary>
    public const string OutputObject = "output.tar.gz";

    /// <summary>The attempt prefix: <c>runs/{batchId}/{nonce}/{taskId}/{runIndex}/a{attempt}/</c>.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission nonce.</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="runIndex">The run index.</param>
    /// <param name="attempt">The attempt number, from 1.</param>
    /// <returns>The object-name prefix, ending in '/'.</returns>
    public static string AttemptPrefix(string batchId, string nonce, string taskId, int runIndex, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"runs/{batchId}/{nonce}/{taskId}/{runIndex}/a{attempt}/");

    /// <summary>The spec object of a task: <c>runs/{batchId}/{nonce}/{taskId}/spec.json</c>.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission nonce.</param>
    /// <param name="taskId">The task id.</param>
    /// <returns>The object name.</returns>
    public static string SpecObject(string batchId, string nonce, string taskId) => $"runs/{batchId}/{nonce}/{taskId}/spec.json";

    /// <summary>The env var naming a pack manifest: the execution is a packed one, each task works the attempt on
    /// its line (<c>CLOUD_RUN_TASK_INDEX</c>) of the manifest.</summary>
    public const string PackManifestVariable = "RUN_PACK_MANIFEST_URI";

    /// <summary>An attempt's cancel marker: a packed task that finds it does no work (and stops work under way).</summary>
    public const string CancelObject = "cancel";

    /// <summary>The manifest object of a pack, under <see cref="PackPrefix"/>.</summary>
    public const string PackManifestObject = "manifest.tsv";

    /// <summary>A pack's objects: <c>runs/{batchId}/{nonce}/_packs/{packId}/</c> (task ids start with a letter or
    /// digit, so no task's objects share it).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission nonce.</param>
    /// <param name="packId">The pack id (<c>c{chunk}-p{n}</c>).</param>
    /// <returns>The prefix, ending in '/'.</returns>
    public static string PackPrefix(string batchId, string nonce, string packId) => $"runs/{batchId}/{nonce}/_packs/{packId}/";

    /// <summary>Where results version <paramref name="version"/> keeps what made it (<see cref="VersionRequestName"/>:
    /// a rejudge's rules or a rerun's outcomes) and a rejudge its per-chunk judgements:
    /// <c>runs/{batchId}/{nonce}/_versions/v{version}/</c> (no task id starts with '_').</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission nonce.</param>
    /// <param name="version">The results version.</param>
    /// <returns>The prefix, ending in '/'.</returns>
    public static string VersionPrefix(string batchId, string nonce, int version) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{VersionsPrefix(batchId, nonce)}{version}/");

    /// <summary>The prefix every results version's folder shares: <c>runs/{batchId}/{nonce}/_versions/v</c>.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission nonce.</param>
    /// <returns>The prefix (a version number and '/' follow).</returns>
    public static string VersionsPrefix(string batchId, string nonce) => $"runs/{batchId}/{nonce}/_versions/v";

    /// <summary>The object under <see cref="VersionPrefix"/> that claims the version: created once, it names its maker.</summary>
    public const string VersionRequestName = "request.json";

    /// <summary>Everything a batch submission wrote: <c>runs/{batchId}/{nonce}/</c> (what purge deletes).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission nonce.</param>
    /// <returns>The prefix.</returns>
    public static string SubmissionPrefix(string batchId, string nonce) => $"runs/{batchId}/{nonce}/";

    /// <summary>Label on every job this product creates, with value <see cref="ManagedByValue"/>.</summary>
    public const string ManagedByLabel = "managed-by";

    /// <summary>The value of <see cref="ManagedByLabel"/>.</summary>
    public const string ManagedByValue = "orchestration";

    /// <summary>Label naming the deployment (its job prefix), so deployments sharing a project keep apart.</summary>
    public const string DeploymentLabel = "deployment";

    /// <summary>The labels of a job created by a deployment with this job prefix (what the orphan reaper lists by).</summary>
    /// <param name="jobPrefix">The deployment's job prefix.</param>
    /// <returns>A new label map.</returns>
    public static Dictionary<string, string> JobLabels(string jobPrefix) =>
        new(StringComparer.Ordinal) { [ManagedByLabel] = ManagedByValue, [DeploymentLabel] = jobPrefix };

    /// <summary>An uploaded input bundle: <c>inputs/{sha256}.tar.gz</c> (content-addressed, shared by batches).</summary>
    /// <param name="sha256">The bundle's SHA-256, lowercase hex.</param>
    /// <returns>The object name.</returns>
    public static string InputBundleObject(string sha256) => $"inputs/{sha256}.tar.gz";

    /// <summary>Reads back what <see cref="AttemptPrefix"/> wrote, from an object name or a <c>gs://</c> URI
    /// (the value of <see cref="PrefixVariable"/>): the segments after the first <c>runs</c> segment.</summary>
    /// <param name="prefix">The prefix or URI.</param>
    /// <param name="address">The batch, nonce, task, run index and attempt it names.</param>
    /// <returns>False when it is not an attempt prefix of this layout.</returns>
    public static bool TryParseAttemptPrefix(string prefix, [NotNullWhen(true)] out AttemptAddress? address)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        address = null;
        var parts = prefix.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var runs = Array.IndexOf(parts, "runs");
        if (runs < 0 || parts.Length < runs + 6 || !int.TryParse(parts[runs + 4], NumberStyles.Integer, CultureInfo.InvariantCulture, out var runIndex))
        {
            return false;
        }

        var attemptSegment = parts[runs + 5];
        int? attempt = attemptSegment.Length > 1 && attemptSegment[0] == 'a'
            && int.TryParse(attemptSegment.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : null;
        address = new AttemptAddress(parts[runs + 1], parts[runs + 2], parts[runs + 3], runIndex, attempt);
        return true;
    }
}
