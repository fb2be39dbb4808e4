namespace Orchestration.Domain.Specs;

/// <summary>Names shared by the orchestrator and the runner script (runner/): env variables and object
/// names under an attempt prefix (DESIGN sections 8 and 9).</summary>
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
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"runs/{batchId}/{nonce}/{taskId}/{runIndex}/a{attempt}/");

    /// <summary>The spec object of a task: <c>runs/{batchId}/{nonce}/{taskId}/spec.json</c>.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission nonce.</param>
    /// <param name="taskId">The task id.</param>
    /// <returns>The object name.</returns>
    public static string SpecObject(string batchId, string nonce, string taskId) => $"runs/{batchId}/{nonce}/{taskId}/spec.json";

    /// <summary>Everything a batch submission wrote: <c>runs/{batchId}/{nonce}/</c> (what purge deletes).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission nonce.</param>
    /// <returns>The prefix.</returns>
    public static string SubmissionPrefix(string batchId, string nonce) => $"runs/{batchId}/{nonce}/";
}
