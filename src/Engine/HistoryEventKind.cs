namespace Orchestration.Engine;

/// <summary>Kinds of history events and inbox messages; stored as integers, never renumber.</summary>
internal enum HistoryEventKind
{
    ExecutionStarted = 1,
    OrchestratorStarted = 2,
    TaskScheduled = 3,
    TaskCompleted = 4,
    TaskFailed = 5,
    TimerCreated = 6,
    TimerFired = 7,
    SubOrchestrationCreated = 8,
    SubOrchestrationCompleted = 9,
    SubOrchestrationFailed = 10,
    EventSent = 11,
    EventRaised = 12,
    ExecutionCompleted = 13,
    ExecutionFailed = 14,
    ExecutionTerminated = 15,
    ContinuedAsNew = 16,
}
