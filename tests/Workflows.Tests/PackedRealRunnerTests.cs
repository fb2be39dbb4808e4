using System.Diagnostics;
using System.Globalization;
using System.Text;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>Packed executions end to end through the real runner script: the in-memory Cloud Run starts each task of a
/// pack as <c>bash runner/runner.sh</c> with the task's Cloud Run variables (<c>CLOUD_RUN_TASK_INDEX</c>, the manifest
/// URI of the execution), the gcloud stand-in mapping gs:// onto the harness's object store. Embedded engine only: it
/// tests the runner's packed path under the orchestrators, not the engine.</summary>
public sealed class PackedRealRunnerTests
{
    [Fact]
    public async Task Batch_PacksWorkedByRunnerScriptTasks_EveryRunJudgedOnceFromItsOwnTask()
    {
        var repo = RealRunnerTests.RepositoryRoot();
        var settings = WorkflowHarness.RealRunnerSettings with { PackSize = 3, PackGatherSeconds = 1 };
        await using var h = await WorkflowHarness.StartAsync(EngineKind.Embedded, settings: settings, realTime: true);
        h.CloudRun.OnStarted = execution =>
        {
            for (var i = 0; i < execution.TaskCount; i++)
            {
                var index = i;
                _ = Task.Run(async () =>
                {
                    var code = await RunTaskAsync(repo, h.Root, execution, index);
                    h.CloudRun.SetTask(execution.Name, index, code == 0 ? CloudRunTaskState.Succeeded : CloudRunTaskState.Failed, code == 0 ? null : $"exit {code}");
                });
            }

            return Task.CompletedTask;
        };

        var id = await h.SubmitAsync("""
            {"id": "packed-real", "maxParallelRuns": 6, "tasks": [
              {"id": "echo", "n": 4, "command": "echo \"run $RUN_ATTEMPT of $CLOUD_RUN_TASK_INDEX\"; echo done > output/marker.txt"},
              {"id": "fails", "n": 2, "command": "echo failing >&2; exit 7"}]}
            """, settings);

        var summary = (await h.WaitAsync(id, 180)).ReadOutputAs<BatchSummary>()!;
        var rows = await h.Results.QueryRunsAsync(new RunQuery(id));

        Assert.Equal(BatchStatus.Completed, summary.Status);
        Assert.Equal((4, 2), (summary.Passed, summary.Failed));
        Assert.All(rows.Items, r => Assert.Equal(1, r.Attempts));
        Assert.All(rows.Items.Where(r => r.TaskId == "fails"), r => Assert.Equal(7, r.ExitCode));
        Assert.Equal(2, h.CloudRun.Executions.Count);
        Assert.All(h.CloudRun.Executions, e => Assert.Equal(3, e.TaskCount));
        Assert.Equal(6, rows.Items.Select(r => r.Execution).Distinct().Count());

        // Each run's own task left its own result.json, naming its execution and task.
        foreach (var row in rows.Items)
        {
            var nonce = (await h.Batches.GetAsync(id))!.Nonce;
            await using var result = await h.Objects.GetAsync(Domain.Specs.RunnerContract.AttemptPrefix(id, nonce, row.TaskId, row.RunIndex, 1) + "result.json");
            var json = Encoding.UTF8.GetString(await result!.ReadAllBytesAsync());
            var execution = row.Execution!;
            var task = int.Parse(execution[(execution.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
            Assert.Contains($"\"taskIndex\":{task}", json, StringComparison.Ordinal);
        }
    }

    // One task as Cloud Run would start it: the execution's env plus the task's variables, a workspace of its own.
    private static async Task<int> RunTaskAsync(string repo, string root, CloudRunExecution execution, int index)
    {
        var workspace = Directory.CreateTempSubdirectory("packed-task-").FullName;
        try
        {
            var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(repo, "runner", "runner.sh"));
            foreach (var (name, value) in execution.Environment)
            {
                start.Environment[name] = value;
            }

            start.Environment["PATH"] = $"{Path.Combine(repo, "runner", "local")}:{Environment.GetEnvironmentVariable("PATH")}";
            start.Environment["GCS_LOCAL_ROOT"] = Path.Combine(root, "gcs");
            start.Environment["RUNNER_WORKSPACE"] = workspace;
            start.Environment["CLOUD_RUN_EXECUTION"] = execution.Id;
            start.Environment["CLOUD_RUN_JOB"] = execution.JobId;
            start.Environment["CLOUD_RUN_TASK_INDEX"] = index.ToString(CultureInfo.InvariantCulture);
            start.Environment["CLOUD_RUN_TASK_COUNT"] = execution.TaskCount.ToString(CultureInfo.InvariantCulture);
            start.Environment["CLOUD_RUN_TASK_ATTEMPT"] = "0";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            await Task.WhenAll(stdout, stderr);
            return process.ExitCode;
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }
}
