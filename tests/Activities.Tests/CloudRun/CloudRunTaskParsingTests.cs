using System.Text.Json;
using Orchestration.Activities.CloudRun;
using Orchestration.Adapters.CloudRun;

namespace Orchestration.Activities.Tests.CloudRun;

/// <summary>Task resources as <c>tasks.list</c> may answer them, including without a <c>Completed</c> condition
/// (the state then comes from the times and the last attempt result).</summary>
public sealed class CloudRunTaskParsingTests
{
    private const string Name = "projects/p/locations/r/jobs/j/executions/j-abcde/tasks/j-abcde-task3";

    [Theory]
    [InlineData("""{"name":"N","index":3}""", CloudRunTaskState.Pending, null)]
    [InlineData("""{"name":"N","index":3,"startTime":"2026-12-04T12:00:00Z"}""", CloudRunTaskState.Running, null)]
    [InlineData("""{"name":"N","index":3,"startTime":"2026-12-04T12:00:00Z","completionTime":"2026-12-04T12:01:00Z","lastAttemptResult":{}}""", CloudRunTaskState.Succeeded, null)]
    [InlineData("""{"name":"N","index":3,"completionTime":"2026-12-04T12:01:00Z","lastAttemptResult":{"exitCode":9,"status":{"code":2}}}""", CloudRunTaskState.Failed, 9)]
    [InlineData("""{"name":"N","index":3,"completionTime":"2026-12-04T12:01:00Z","lastAttemptResult":{"status":{"code":4,"message":"timed out"}}}""", CloudRunTaskState.Failed, null)]
    [InlineData("""{"name":"N","index":3,"completionTime":"2026-12-04T12:01:00Z","lastAttemptResult":{"status":{"code":1}}}""", CloudRunTaskState.Cancelled, null)]
    [InlineData("""{"name":"N","index":3,"completionTime":"2026-12-04T12:01:00Z","conditions":[{"type":"Completed","state":"CONDITION_FAILED","executionReason":"CANCELLED"}]}""", CloudRunTaskState.Cancelled, null)]
    public void ParseTask_WithOrWithoutCompletedCondition_StateAndExitCode(string json, CloudRunTaskState state, int? exitCode)
    {
        using var document = JsonDocument.Parse(json.Replace("\"N\"", $"\"{Name}\"", StringComparison.Ordinal));

        var task = CloudRunJson.ParseTask(document.RootElement);

        Assert.Equal((Name, 3, state, exitCode), (task.Name, task.Index, task.State, task.ExitCode));
    }
}
