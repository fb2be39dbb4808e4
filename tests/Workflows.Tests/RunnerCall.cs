using System.Text;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Workflows.Tests;

/// <summary>One execution as the scripted runner sees it, with the ways it can end.</summary>
public sealed record RunnerCall(WorkflowHarness Harness, CloudRunExecution Execution, string Prefix, string TaskId, int RunIndex, int Attempt)
{
    public Task ClaimAsync() => WriteAsync("claim", $$"""{"execution": "{{Execution.Id}}", "startedAt": "{{DateTimeOffset.UtcNow:O}}"}""");

    public Task PassAsync(string response = "ok") => FinishAsync(0, response);

    public async Task FinishAsync(int exitCode, string response, string? claudeSummary = null, string termination = "none")
    {
        await ClaimAsync();
        await WriteAsync("response.txt", response);
        var start = DateTimeOffset.UtcNow.AddSeconds(-2).ToString("O");
        var end = DateTimeOffset.UtcNow.ToString("O");
        var claude = claudeSummary is null ? "" : $$""", "claude": {"version": "2", "model": "m", "summary": {{claudeSummary}} }""";
        await WriteAsync("result.json", $$"""{"exitCode": {{exitCode}}, "termination": "{{termination}}", "startedAt": "{{start}}", "endedAt": "{{end}}", "runnerVersion": "1"{{claude}} }""");
        Harness.CloudRun.Set(Execution.Name, CloudRunExecutionState.Succeeded);
    }

    /// <summary>The execution fails without writing a result (an image pull failure, an OOM kill).</summary>
    public void Vanish() => Harness.CloudRun.Set(Execution.Name, CloudRunExecutionState.Failed, "Container exited with code 137");

    public async Task WriteAsync(string name, string content)
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await Harness.Objects.PutAsync(Prefix + name, body);
    }
}
