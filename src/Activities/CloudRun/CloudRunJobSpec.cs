namespace Orchestration.Activities.CloudRun;

/// <summary>What a Cloud Run job of one job key looks like.</summary>
/// <remarks>
/// The job id derives from a hash of everything here, so an existing job with this id has this
/// configuration: ensure never patches. Secrets are references only; the Anthropic key appears only
/// on Claude jobs. <see cref="Parallelism"/> is not part of that hash today (the hash is the domain's
/// <c>JobKey</c>): a caller that wants a different parallelism for the same key must give the job a
/// different id, or an existing job keeps the parallelism it was created with.
/// </remarks>
/// <param name="JobId">Job id (<c>{prefix}-{hash12}</c>): lowercase letters, digits, hyphens.</param>
/// <param name="Image">Container image (pinned by digest in production).</param>
/// <param name="Cpu">CPU limit, e.g. <c>1</c>, <c>2</c>.</param>
/// <param name="Memory">Memory limit, e.g. <c>2Gi</c>.</param>
/// <param name="ServiceAccount">Service account email the tasks run as (differs per task kind).</param>
/// <param name="Environment">Plain environment variables.</param>
/// <param name="Secrets">Environment variables from Secret Manager, by variable name.</param>
/// <param name="Timeout">Per-attempt task timeout (overridable per execution).</param>
/// <param name="Labels">Labels; the deployment label lets the reaper find this deployment's jobs.</param>
/// <param name="MaxRetries">Task retries by Cloud Run: 0, since attempts belong to the orchestrator.</param>
/// <param name="Parallelism">Tasks of one execution that run at once (<c>template.parallelism</c>; Cloud Run has no
/// per-execution override): 1 for single-run jobs (the default, as every job was created so far), K for a pack
/// job, 0 for the most Cloud Run allows. The job's own task count stays 1 (a start without a task count runs one
/// task); Cloud Run's docs ask for a parallelism no larger than the task count, and whether the API refuses a larger
/// one is unconfirmed, so a pack job is safest with 0, which runs every task of a pack at once up to the region's
/// quota.</param>
public sealed record CloudRunJobSpec(
    string JobId,
    string Image,
    string Cpu,
    string Memory,
    string ServiceAccount,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, CloudRunSecretRef> Secrets,
    TimeSpan Timeout,
    IReadOnlyDictionary<string, string>? Labels = null,
    int MaxRetries = 0,
    int Parallelism = 1);
