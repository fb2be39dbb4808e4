using System.Text;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Workflows.Tests;

/// <summary>One execution as the scripted runner sees it, with the ways it can end.</summary>
public sealed record RunnerCall(WorkflowHarness Harness, CloudRunExecution Execution, string Prefix, string TaskId, int RunIndex, int Attempt)
{
    /// <summary>The task of a packed execution that works this attempt; null for an execution of its own.</summary>
    public int? TaskIndex { get; init; }

    public Task ClaimAsync() => WriteAsync("claim", TaskIndex is { } task
        ? $$"""{"execution": "{{Execution.Id}}", "taskIndex": {{task}}, "startedAt": "{{Harness.Time.GetUtcNow():O}}"}"""
        : $$"""{"execution": "{{Execution.Id}}", "startedAt": "{{Harness.Time.GetUtcNow():O}}"}""");

    /// <summary>Whether the orchestrator left this attempt's cancel marker (a packed task then does no work).</summary>
    public async Task<bool> CancelMarkedAsync() => await Harness.Objects.GetMetadataAsync(Prefix + "cancel") is not null;

    public Task PassAsync(string response = "ok") => FinishAsync(0, response);

    public async Task FinishAsync(int exitCode, string response, string? claudeSummary = null, string termination = "none")
    {
        await ClaimAsync();
        await WriteAsync("response.txt", response);
        var start = Harness.Time.GetUtcNow().AddSeconds(-2).ToString("O");
        var end = Harness.Time.GetUtcNow().ToString("O");
        var claude = claudeSummary is null ? "" : $$""", "claude": {"version": "2", "model": "m", "summary": {{claudeSummary}} }""";
        await WriteAsync("result.json", $$"""{"exitCode": {{exitCode}}, "termination": "{{termination}}", "startedAt": "{{start}}", "endedAt": "{{end}}", "runnerVersion": "1"{{claude}} }""");
        End(succeeded: true, null);
    }

    /// <summary>The execution (or, packed, this task) fails without writing a result (an image pull failure, an OOM kill).</summary>
    public void Vanish() => End(succeeded: false, "Container exited with code 137");

    /// <summary>The task ends: the whole execution, or its own task of a packed one.</summary>
    public void End(bool succeeded, string? reason)
    {
        if (TaskIndex is { } task)
        {
            Harness.CloudRun.SetTask(Execution.Name, task, succeeded ? CloudRunTaskState.Succeeded : CloudRunTaskState.Failed, reason);
        }
        else
        {
            Harness.CloudRun.Set(Execution.Name, succeeded ? CloudRunExecutionState.Succeeded : CloudRunExecutionState.Failed, reason);
        }
    }

    /// <summary>Waits <paramref name="delay"/> on the harness's clock, parked: on the skipping clock the wait
    /// costs no real time, and the runner counts as working again from the instant the clock reaches the end.</summary>
    public Task DelayAsync(TimeSpan delay) => Harness.DelayParkedAsync(delay);

    /// <summary>Waits for <paramref name="gate"/> (something the test holds), parked: time may skip meanwhile.</summary>
    public async Task WaitForAsync(Task gate)
    {
        Harness.Park();
        try
        {
            await gate;
        }
        finally
        {
            Harness.Unpark();
        }
    }

    public async Task WriteAsync(string name, string content)
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await Harness.Objects.PutAsync(Prefix + name, body);
    }
}
