namespace Orchestration.Fakes;

/// <summary>An execution held by <see cref="FakeCloudRunServer"/>; the test drives it (or its tasks) through the server.</summary>
/// <remarks>Its state follows its tasks as Cloud Run's does: running once a task started, succeeded when every task
/// succeeded, failed (<c>NON_ZERO_EXIT_CODE</c>) only once every task ended and one failed; a cancel cancels the
/// unfinished tasks and the execution reads cancelled.</remarks>
public sealed class FakeExecution
{
    private readonly FakeTask[] _tasks;

    internal FakeExecution(
        string name, string jobId, IReadOnlyDictionary<string, string> environment, string timeout, DateTimeOffset created, bool duplicate,
        bool failsWithoutResult, int taskCount = 1, int parallelism = 1, Func<bool>? taskDies = null)
    {
        Name = name;
        JobId = jobId;
        Environment = environment;
        Timeout = timeout;
        CreateTime = created;
        IsDuplicate = duplicate;
        FailsWithoutResult = failsWithoutResult;
        TaskCount = taskCount;
        Parallelism = parallelism;
        _tasks = [.. Enumerable.Range(0, taskCount).Select(i => new FakeTask(this, i, taskDies?.Invoke() ?? false))];
    }

    /// <summary>Full name <c>projects/P/locations/R/jobs/J/executions/E</c>.</summary>
    public string Name { get; }

    /// <summary>Short id (what <c>CLOUD_RUN_EXECUTION</c> holds).</summary>
    public string Id => Name[(Name.LastIndexOf('/') + 1)..];

    /// <summary>Job id.</summary>
    public string JobId { get; }

    /// <summary>Container env: the job's plain env merged with the run's overrides (each task's adds the <c>CLOUD_RUN_*</c> ones).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Task timeout as sent (<c>"600s"</c>).</summary>
    public string Timeout { get; }

    /// <summary>Tasks of the execution (<c>overrides.taskCount</c>, else the job's).</summary>
    public int TaskCount { get; }

    /// <summary>The job template's parallelism (0: no limit in the fake): how many tasks <see cref="FakeCloudRunServer.Start"/> and
    /// auto-start keep running at once.</summary>
    public int Parallelism { get; }

    /// <summary>The tasks by index.</summary>
    public IReadOnlyList<FakeTask> Tasks => _tasks;

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

    /// <summary>Tasks in a state.</summary>
    /// <param name="state">The state.</param>
    /// <returns>How many.</returns>
    public int CountOf(FakeExecutionState state) => _tasks.Count(t => t.State == state);

    /// <summary>Derives the execution's state from its tasks (no-op once terminal). Call under the server's lock.</summary>
    internal void Settle(DateTimeOffset now)
    {
        if (IsTerminal)
        {
            return;
        }

        if (_tasks.All(t => t.IsTerminal))
        {
            var failed = _tasks.FirstOrDefault(t => t.State == FakeExecutionState.Failed);
            StartTime ??= now;
            State = failed is null ? FakeExecutionState.Succeeded : FakeExecutionState.Failed;
            Message = failed?.Message;
            CompletionTime = now;
        }
        else if (_tasks.Any(t => t.State != FakeExecutionState.Pending))
        {
            State = FakeExecutionState.Running;
            StartTime ??= _tasks.Where(t => t.StartTime is not null).Min(t => t.StartTime) ?? now;
        }
    }

    /// <summary>Cancels the unfinished tasks and the execution. Call under the server's lock.</summary>
    internal void Cancel(string message, DateTimeOffset now)
    {
        foreach (var task in _tasks)
        {
            task.End(FakeExecutionState.Cancelled, null, message, now);
        }

        StartTime ??= now;
        State = FakeExecutionState.Cancelled;
        Message = message;
        CompletionTime = now;
    }
}
