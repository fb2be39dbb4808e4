using System.Text;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Workflows.Tests;

/// <summary>One execution as the scripted runner sees it, with the ways it can end.</summary>
public sealed record RunnerCall(WorkflowHarness Harness, CloudRunExecution Execution, string Prefix, string TaskId, int RunIndex, int Attempt)
{
    public Task ClaimAsync() => WriteAsync("claim", $$"""{"execution": "{{Execution.Id}}", "startedAt": "{{Harness.Time.GetUtcNow():O}}"}""");

    public Task PassAsync(string response = "ok") => FinishAsync(0, response);

    public async Task FinishAsync(int exitCode, string response, string? claudeSummary = null, string termination = "none")
    {
        await ClaimAsync();
        await WriteAsync("response.txt", response);
        var start = Harness.Time.GetUtcNow().AddSeconds(-2).ToString("O");
        var end = Harness.Time.GetUtcNow().ToString("O");
        var claude = claudeSummary is null ? "" : $$""", "claude": {"version": "2", "model": "m", "summary": {{claudeSummary}} }""";
        await WriteAsync("result.json", $$"""{"exitCode": {{exitCode}}, "termination": "{{termination}}", "startedAt": "{{start}}", "endedAt": "{{end}}", "runnerVersion": "1"{{claude}} }""");
        Harness.CloudRun.Set(Execution.Name, CloudRunExecutionState.Succeeded);
    }

    /// <summary>The execution fails without writing a result (an image pull failure, an OOM kill).</summary>
    public void Vanish() => Harness.CloudRun.Set(Execution.Name, CloudRunExecutionState.Failed, "Container exited with code 137");

    /// <summary>Waits <paramref name="delay"/> on the harness's clock, parked: on the skipping clock the wait
    /// costs no real time, and the runner counts as working again from the instant the clock reaches the end.</summary>
    public async Task DelayAsync(TimeSpan delay)
    {
        var elapsed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Harness.Park();
        // Unparked in the timer's callback, which the clock runs inside its advance: the driver cannot skip
        // again before this runner has had its turn.
        using var timer = Harness.Time.CreateTimer(_ =>
        {
            if (elapsed.TrySetResult())
            {
                Harness.Unpark();
            }
        }, null, delay, Timeout.InfiniteTimeSpan);
        await elapsed.Task;
    }

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
