using System.Globalization;

namespace Orchestration.Fakes;

/// <summary>One task of a <see cref="FakeExecution"/>; the test drives it through <see cref="FakeCloudRunServer"/>
/// (<see cref="FakeCloudRunServer.StartTask"/>, <see cref="FakeCloudRunServer.CompleteTask"/>).</summary>
public sealed class FakeTask
{
    internal FakeTask(FakeExecution execution, int index, bool diesWithoutResult)
    {
        Index = index;
        Name = $"{execution.Name}/tasks/{execution.Id}-task{index.ToString(CultureInfo.InvariantCulture)}";
        DiesWithoutResult = diesWithoutResult;
        var env = new Dictionary<string, string>(execution.Environment, StringComparer.Ordinal)
        {
            ["CLOUD_RUN_JOB"] = execution.JobId,
            ["CLOUD_RUN_EXECUTION"] = execution.Id,
            ["CLOUD_RUN_TASK_INDEX"] = index.ToString(CultureInfo.InvariantCulture),
            ["CLOUD_RUN_TASK_COUNT"] = execution.TaskCount.ToString(CultureInfo.InvariantCulture),
            ["CLOUD_RUN_TASK_ATTEMPT"] = "0",
        };
        Environment = env;
    }

    /// <summary>0-based index (<c>CLOUD_RUN_TASK_INDEX</c>).</summary>
    public int Index { get; }

    /// <summary>Full name <c>.../executions/E/tasks/E-task{index}</c>.</summary>
    public string Name { get; }

    /// <summary>What the task's container sees: the execution's env plus the reserved <c>CLOUD_RUN_*</c> variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>True when a fault makes this task fail (exit code 1) without its runner doing anything: a test playing
    /// the runner must leave it alone.</summary>
    public bool DiesWithoutResult { get; }

    /// <summary>Current state.</summary>
    public FakeExecutionState State { get; private set; }

    /// <summary>Start time, once running.</summary>
    public DateTimeOffset? StartTime { get; private set; }

    /// <summary>Completion time, once terminal.</summary>
    public DateTimeOffset? CompletionTime { get; private set; }

    /// <summary>Exit code of a task that exited.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>Message of a failure or cancellation.</summary>
    public string? Message { get; private set; }

    /// <summary>True when terminal.</summary>
    public bool IsTerminal => State is FakeExecutionState.Succeeded or FakeExecutionState.Failed or FakeExecutionState.Cancelled;

    internal void Start(DateTimeOffset now)
    {
        if (State == FakeExecutionState.Pending)
        {
            State = FakeExecutionState.Running;
            StartTime = now;
        }
    }

    internal void End(FakeExecutionState state, int? exitCode, string? message, DateTimeOffset now)
    {
        if (IsTerminal)
        {
            return;
        }

        // A task cancelled before it started never ran: no start time, as Cloud Run reports it.
        if (state != FakeExecutionState.Cancelled)
        {
            StartTime ??= now;
        }

        State = state;
        ExitCode = exitCode;
        Message = message;
        CompletionTime = now;
    }
}
