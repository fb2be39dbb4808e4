namespace Orchestration.Durable;

/// <summary>Options of an activity or sub-orchestration call, as Durable Task's <c>TaskOptions</c>.</summary>
/// <param name="Retry">Retry options; none when null.</param>
public record TaskOptions(TaskRetryOptions? Retry = null)
{
    /// <summary>Options that retry with <paramref name="policy"/>.</summary>
    /// <param name="policy">The retry policy.</param>
    /// <returns>The options.</returns>
    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(new TaskRetryOptions(policy));

    /// <summary>Sub-orchestration options with these retry settings and a fixed instance id.</summary>
    /// <param name="instanceId">The sub-orchestration's instance id.</param>
    /// <returns>The options.</returns>
    public SubOrchestrationOptions WithInstanceId(string instanceId) => new(this, instanceId);
}
