namespace Orchestration.Durable;

/// <summary>Runtime status of an instance, as Durable Task's <c>OrchestrationRuntimeStatus</c> (same values).</summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>Started and not yet finished.</summary>
    Running = 0,

    /// <summary>Finished with an output.</summary>
    Completed = 1,

    /// <summary>Obsolete in Durable Task; never reported.</summary>
    ContinuedAsNew = 2,

    /// <summary>Finished with an unhandled failure.</summary>
    Failed = 3,

    /// <summary>Obsolete in Durable Task; never reported.</summary>
    Canceled = 4,

    /// <summary>Stopped by a terminate request.</summary>
    Terminated = 5,

    /// <summary>Scheduled, not yet started.</summary>
    Pending = 6,

    /// <summary>Suspended (not used by the embedded engine).</summary>
    Suspended = 7,
}
