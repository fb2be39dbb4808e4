namespace Orchestration.Engine;

/// <summary>The message a finished sub-orchestration sends to its parent.</summary>
internal sealed record ParentNotification(string InstanceId, string? ExecutionId, HistoryEventKind Kind, int TaskId, string? Data);
