namespace Orchestration.Runner.Tests;

/// <summary>A runner while it runs: what a test may do to it from outside.</summary>
/// <param name="terminate">Sends the implementation's SIGTERM (Cloud Run's cancel).</param>
/// <param name="processId">The runner process (Script only; the native executor runs in this process).</param>
public sealed class RunnerHandle(Func<Task> terminate, int? processId)
{
    /// <summary>The runner script's process id; null for the native executor.</summary>
    public int? ProcessId { get; } = processId;

    /// <summary>Script: <c>kill -TERM</c> on the runner process. Native: cancels the executor's terminate token.</summary>
    public Task TerminateAsync() => terminate();
}
