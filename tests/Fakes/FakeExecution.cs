namespace Orchestration.Fakes;

/// <summary>An execution held by <see cref="FakeCloudRunServer"/>; the test drives it through the server.</summary>
public sealed class FakeExecution
{
    internal FakeExecution(string name, string jobId, IReadOnlyDictionary<string, string> environment, string timeout, DateTimeOffset created, bool duplicate, bool failsWithoutResult)
    {
        Name = name;
        JobId = jobId;
        Environment = environment;
        Timeout = timeout;
        CreateTime = created;
        IsDuplicate = duplicate;
        FailsWithoutResult = failsWithoutResult;
    }

    /// <summary>Full name <c>projects/P/locations/R/jobs/J/executions/E</c>.</summary>
    public string Name { get; }

    /// <summary>Short id (what <c>CLOUD_RUN_EXECUTION</c> holds).</summary>
    public string Id => Name[(Name.LastIndexOf('/') + 1)..];

    /// <summary>Job id.</summary>
    public string JobId { get; }

    /// <summary>Container env: the job's plain env merged with the run's overrides.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Task timeout as sent (<c>"600s"</c>).</summary>
    public string Timeout { get; }

    /// <summary>True for the extra execution created by a duplicated <c>:run</c>.</summary>
    public bool IsDuplicate { get; }

    /// <summary>True when a fault made this execution fail without its runner doing anything (no result written).</summary>
    public bool FailsWithoutResult { get; }

    /// <summary>Current state.</summary>
    public FakeExecutionState State { get; internal set; }

    /// <summary>Creation time.</summary>
    public DateTimeOffset CreateTime { get; }

    /// <summary>Start time, once running.</summary>
    public DateTimeOffset? StartTime { get; internal set; }

    /// <summary>Completion time, once terminal.</summary>
    public DateTimeOffset? CompletionTime { get; internal set; }

    /// <summary>Message of a failure or cancellation.</summary>
    public string? Message { get; internal set; }

    /// <summary>True once "retention" removed it: GET answers 404.</summary>
    public bool Expired { get; internal set; }

    /// <summary>True when terminal.</summary>
    public bool IsTerminal => State is FakeExecutionState.Succeeded or FakeExecutionState.Failed or FakeExecutionState.Cancelled;
}
