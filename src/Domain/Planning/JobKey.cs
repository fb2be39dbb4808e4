using System.Text.Json.Serialization;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Normalization;

namespace Orchestration.Domain.Planning;

/// <summary>What makes two tasks share one Cloud Run job: kind, image, resources, identity, secrets and
/// runner version (DESIGN section 9). Never per run, never per batch.</summary>
/// <param name="Kind">The task kind.</param>
/// <param name="Image">The runner image.</param>
/// <param name="Cpu">vCPU.</param>
/// <param name="Memory">Memory.</param>
/// <param name="ServiceAccount">The runtime service account of the kind.</param>
/// <param name="SecretEnv">Secret references of the kind, sorted by env name.</param>
/// <param name="RunnerVersion">The runner contract version.</param>
/// <param name="Parallelism">Null for a job whose executions each work one attempt (template parallelism 1, as every
/// job before packed executions); 0 for a job of packed executions, whose tasks run as many at once as Cloud Run
/// allows. Null is left out of the hash, so the jobs of unpacked batches keep their names.</param>
public sealed record JobKey(
    TaskKind Kind, string Image, string Cpu, string Memory, string ServiceAccount,
    IReadOnlyDictionary<string, string> SecretEnv, string RunnerVersion, int? Parallelism = null)
{
    /// <summary>The first 12 hex characters of the key's canonical SHA-256: stable across processes and hosts.</summary>
    [JsonIgnore]
    public string Hash12 => CanonicalJson.HashOf(this)[..12];

    /// <summary>The Cloud Run job name: <c>{prefix}-{hash12}</c>.</summary>
    /// <param name="prefix">The deployment's job prefix (lowercase letters, digits, '-').</param>
    /// <returns>The job name.</returns>
    public string JobName(string prefix) => $"{prefix}-{Hash12}";

    /// <summary>The key of a task's job.</summary>
    /// <param name="task">The normalised task.</param>
    /// <param name="identities">The identity per kind.</param>
    /// <param name="runnerVersion">The runner version.</param>
    /// <param name="parallelism">Null for single-attempt executions, 0 for packed ones (see <see cref="Parallelism"/>).</param>
    /// <returns>The key.</returns>
    public static JobKey For(BatchTask task, IReadOnlyDictionary<TaskKind, JobIdentity> identities, string runnerVersion, int? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(identities);
        var identity = identities[task.Kind];
        return new JobKey(task.Kind, task.Profile.Image, task.Profile.Cpu, task.Profile.Memory, identity.ServiceAccount,
            new SortedDictionary<string, string>(identity.SecretEnv.ToDictionary(), StringComparer.Ordinal), runnerVersion, parallelism);
    }
}
