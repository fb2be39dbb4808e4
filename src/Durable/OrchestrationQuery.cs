namespace Orchestration.Durable;

/// <summary>A filter over instances, as Durable Task's <c>OrchestrationQuery</c> (same parameter order).</summary>
/// <param name="CreatedFrom">Created at or after.</param>
/// <param name="CreatedTo">Created at or before.</param>
/// <param name="Statuses">Runtime statuses to include; all when null.</param>
/// <param name="TaskHubNames">Ignored by the embedded engine (one task hub).</param>
/// <param name="InstanceIdPrefix">Instance ids starting with this (ordinal).</param>
/// <param name="PageSize">Instances per page.</param>
/// <param name="FetchInputsAndOutputs">Whether inputs and outputs are included.</param>
/// <param name="ContinuationToken">Where the previous page ended.</param>
public record OrchestrationQuery(
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    IEnumerable<OrchestrationRuntimeStatus>? Statuses = null,
    IEnumerable<string>? TaskHubNames = null,
    string? InstanceIdPrefix = null,
    int PageSize = OrchestrationQuery.DefaultPageSize,
    bool FetchInputsAndOutputs = false,
    string? ContinuationToken = null)
{
    /// <summary>The default page size, as Durable Task's.</summary>
    public const int DefaultPageSize = 100;
}
