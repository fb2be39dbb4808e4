namespace Orchestration.Engine;

/// <summary>One event of an instance's history, or one inbox message before it enters history.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="TaskId">Sequence number of the action it belongs to; -1 when none.</param>
/// <param name="Name">Activity, orchestrator or event name.</param>
/// <param name="Data">JSON payload: input, result, event payload or failure details.</param>
/// <param name="Extra">Kind-specific: timer fire time (ticks), child or target instance id.</param>
/// <param name="Timestamp">When it was recorded (UTC).</param>
internal sealed record HistoryEvent(HistoryEventKind Kind, int TaskId, string? Name, string? Data, string? Extra, DateTime Timestamp)
{
    public bool IsScheduling => Kind is HistoryEventKind.TaskScheduled or HistoryEventKind.TimerCreated
        or HistoryEventKind.SubOrchestrationCreated or HistoryEventKind.EventSent;

    public string Describe() => Kind switch
    {
        HistoryEventKind.TaskScheduled => $"CallActivity '{Name}'",
        HistoryEventKind.TimerCreated => "CreateTimer",
        HistoryEventKind.SubOrchestrationCreated => $"CallSubOrchestrator '{Name}'",
        HistoryEventKind.EventSent => $"SendEvent '{Name}'",
        _ => Kind.ToString(),
    };
}
