using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary>The data of the <c>end</c> event of <c>GET /api/batches/{id}/events</c> (also what a status long poll
/// compares to see a change).</summary>
/// <param name="Status">The batch's final status.</param>
/// <param name="Reason">Why it ended so, when it says (omitted when null).</param>
/// <param name="Progress">Run counts by phase.</param>
/// <param name="Tasks">Per task counts.</param>
internal sealed record BatchEndEvent(string Status, string? Reason, ProgressSummary Progress, IReadOnlyList<TaskStatusCounts> Tasks);
