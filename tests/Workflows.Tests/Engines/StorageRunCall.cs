using System.Text;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Workflows.Tests.Engines;

/// <summary>One execution as the scripted runner of <see cref="StorageWorkflowSetup"/> sees it, with the ways it can
/// end (what runner.sh writes to the object store).</summary>
internal sealed record StorageRunCall(StorageWorkflowSetup Setup, CloudRunExecution Execution, string Prefix, string TaskId, int RunIndex, int Attempt)
{
    public Task ClaimAsync() => WriteAsync("claim", $$"""{"execution": "{{Execution.Id}}", "startedAt": "{{DateTimeOffset.UtcNow:O}}"}""");

    /// <summary>Claims the attempt only if no execution has (what runner.sh does with create-if-absent); false for a
    /// second execution of the same attempt, which then ends as a no-op.</summary>
    public async Task<bool> ClaimFirstAsync()
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes($$"""{"execution": "{{Execution.Id}}", "startedAt": "{{DateTimeOffset.UtcNow:O}}"}"""));
        if ((await Setup.Objects.PutIfAbsentAsync(Prefix + "claim", body)).Created)
        {
            return true;
        }

        Setup.CloudRun.Set(Execution.Name, CloudRunExecutionState.Succeeded);
        return false;
    }

    public Task PassAsync(string response = "ok") => FinishAsync(0, response);

    public async Task FinishAsync(int exitCode, string response, string? claudeSummary = null)
    {
        await ClaimAsync();
        await WriteAsync("response.txt", response);
        var start = DateTimeOffset.UtcNow.AddSeconds(-2).ToString("O");
        var end = DateTimeOffset.UtcNow.ToString("O");
        var claude = claudeSummary is null ? "" : $$""", "claude": {"version": "2", "model": "m", "summary": {{claudeSummary}} }""";
        await WriteAsync("result.json", $$"""{"exitCode": {{exitCode}}, "termination": "none", "startedAt": "{{start}}", "endedAt": "{{end}}", "runnerVersion": "1"{{claude}} }""");
        Setup.CloudRun.Set(Execution.Name, CloudRunExecutionState.Succeeded);
    }

    /// <summary>The execution fails without writing a result (an image pull failure, an OOM kill).</summary>
    public void Vanish() => Setup.CloudRun.Set(Execution.Name, CloudRunExecutionState.Failed, "Container exited with code 137");

    private async Task WriteAsync(string name, string content)
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await Setup.Objects.PutAsync(Prefix + name, body);
    }
}
