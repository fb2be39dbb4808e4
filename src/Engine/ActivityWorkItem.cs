namespace Orchestration.Engine;

/// <summary>A row of the activities table: an activity to run (again, after a crash).</summary>
internal sealed record ActivityWorkItem(long Id, string InstanceId, string ExecutionId, int TaskId, string Name, string? Input);
