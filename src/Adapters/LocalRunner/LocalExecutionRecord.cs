using Orchestration.Activities.CloudRun;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>The immutable spec of one execution (<c>executions/{id}/execution.json</c>), written before it may start.</summary>
/// <remarks>It holds everything needed to start the execution later, by this or a restarted host, except secret values.</remarks>
/// <param name="Name">Full execution name.</param>
/// <param name="Id">Short id (<c>{job}-{suffix}</c>), the runner's <c>CLOUD_RUN_EXECUTION</c>.</param>
/// <param name="JobId">Job id.</param>
/// <param name="Environment">Job env with the overrides applied.</param>
/// <param name="Secrets">Secret env references of the job, resolved from local settings at start.</param>
/// <param name="Timeout">Task timeout.</param>
/// <param name="CreateTime">When it was accepted.</param>
/// <param name="Executor">How it is carried out; absent in records written before the native executor (script).</param>
internal sealed record LocalExecutionRecord(
    string Name,
    string Id,
    string JobId,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, CloudRunSecretRef> Secrets,
    TimeSpan Timeout,
    DateTimeOffset CreateTime,
    LocalExecutor? Executor = null)
{
    /// <summary>True when the native executor drives it.</summary>
    public bool IsNative => Executor == LocalExecutor.Native;
}
