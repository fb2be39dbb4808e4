namespace Orchestration.Fakes;

/// <summary>Lifecycle of a fake execution.</summary>
public enum FakeExecutionState
{
    /// <summary>Created, not started.</summary>
    Pending,

    /// <summary>Its task runs.</summary>
    Running,

    /// <summary>Completed successfully.</summary>
    Succeeded,

    /// <summary>Completed with a failed task.</summary>
    Failed,

    /// <summary>Cancelled.</summary>
    Cancelled,
}
