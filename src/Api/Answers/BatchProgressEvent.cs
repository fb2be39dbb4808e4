using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary>The data of a <c>progress</c> event of <c>GET /api/batches/{id}/events</c>.</summary>
/// <param name="Status">The batch's status.</param>
/// <param name="Progress">Run counts by phase.</param>
/// <param name="Tasks">Per task counts.</param>
internal sealed record BatchProgressEvent(string Status, ProgressSummary Progress, IReadOnlyList<TaskStatusCounts> Tasks);
