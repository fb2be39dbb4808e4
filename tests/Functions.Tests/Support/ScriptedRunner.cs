using System.Globalization;
using System.Text;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Storage;
using Orchestration.Fakes;

namespace Orchestration.Functions.Tests.Support;

/// <summary>The runner both hosts' fake Cloud Run plays, so their documents can be compared: tasks named "bad*"
/// exit 1, "hang*" claim and never finish, "shaky*" error on their first attempt (a result without an exit code)
/// and pass after, others pass with "ok" (even run indexes "ok FLAKY"), as the standalone
/// test host's default runner does, but every run lasts exactly two seconds by its own clock, so durations and the
/// costs derived from them are the same on both hosts.</summary>
public static class ScriptedRunner
{
    public static Task StartAsync(CloudRunExecution execution, IObjectStore objects, InMemoryCloudRun jobs)
    {
        var prefix = execution.Environment["RUN_PREFIX"]["gs://test-bucket/".Length..];
        var parts = prefix.TrimEnd('/').Split('/');
        var (taskId, runIndex) = (parts[3], int.Parse(parts[4], CultureInfo.InvariantCulture));
        _ = Task.Run(async () =>
        {
            await WriteAsync(objects, prefix + "claim", $$"""{"execution": "{{execution.Id}}", "startedAt": "{{DateTimeOffset.UtcNow:O}}"}""");
            if (taskId.StartsWith("hang", StringComparison.Ordinal))
            {
                return;
            }

            if (taskId.StartsWith("shaky", StringComparison.Ordinal) && parts[5] == "a1")
            {
                var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                await WriteAsync(objects, prefix + "result.json", $$"""{"termination": "none", "startedAt": "{{now:O}}", "endedAt": "{{now:O}}", "runnerVersion": "1"}""");
                jobs.Set(execution.Name, CloudRunExecutionState.Succeeded);
                return;
            }

            var (exitCode, response) = taskId.StartsWith("bad", StringComparison.Ordinal) ? (1, "broken, \"quoted\"\nline") : (0, runIndex % 2 == 0 ? "ok FLAKY" : "ok");
            await WriteAsync(objects, prefix + "response.txt", response);
            var end = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            var start = end.AddSeconds(-2);
            await WriteAsync(objects, prefix + "result.json", $$"""{"exitCode": {{exitCode}}, "termination": "none", "startedAt": "{{start:O}}", "endedAt": "{{end:O}}", "runnerVersion": "1"}""");
            jobs.Set(execution.Name, CloudRunExecutionState.Succeeded);
        });
        return Task.CompletedTask;
    }

    private static async Task WriteAsync(IObjectStore objects, string name, string content)
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await objects.PutAsync(name, body);
    }
}
