namespace Orchestration.Engine;

/// <summary>A row of the inbox: a message waiting for its instance's next episode.</summary>
internal sealed record InboxMessage(long Id, string InstanceId, string? ExecutionId, HistoryEventKind Kind, int TaskId, string? Name, string? Data, string? Extra)
{
    public HistoryEvent ToHistory(DateTime now) => new(Kind, TaskId, Name, Data, Extra, now);
}
