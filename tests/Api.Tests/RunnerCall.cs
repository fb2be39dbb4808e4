using System.Text;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Api.Tests;

/// <summary>One execution as the scripted runner sees it, with the ways it can end.</summary>
public sealed record RunnerCall(ApiHost Host, CloudRunExecution Execution, string Prefix, string TaskId, int RunIndex)
{
    public Task ClaimAsync() => WriteAsync("claim", $$"""{"execution": "{{Execution.Id}}", "startedAt": "{{DateTimeOffset.UtcNow:O}}"}""");

    public async Task FinishAsync(int exitCode, string response)
    {
        await ClaimAsync();
        await WriteAsync("response.txt", response);
        var start = DateTimeOffset.UtcNow.AddSeconds(-2).ToString("O");
        var end = DateTimeOffset.UtcNow.ToString("O");
        await WriteAsync("result.json", $$"""{"exitCode": {{exitCode}}, "termination": "none", "startedAt": "{{start}}", "endedAt": "{{end}}", "runnerVersion": "1"}""");
        Host.Jobs.Set(Execution.Name, CloudRunExecutionState.Succeeded);
    }

    /// <summary>Ends with a result.json that has no exit code (the command did not run): an errored attempt the
    /// run orchestrator retries while attempts remain.</summary>
    public async Task FinishWithoutExitCodeAsync()
    {
        await ClaimAsync();
        var now = DateTimeOffset.UtcNow.ToString("O");
        await WriteAsync("result.json", $$"""{"termination": "none", "startedAt": "{{now}}", "endedAt": "{{now}}", "runnerVersion": "1"}""");
        Host.Jobs.Set(Execution.Name, CloudRunExecutionState.Succeeded);
    }

    private async Task WriteAsync(string name, string content)
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await Host.Objects.PutAsync(Prefix + name, body);
    }
}
