using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.LocalRunner;
using Orchestration.Domain;
using Orchestration.Domain.Judging;
using Orchestration.Workflows.Tests.Engines;

namespace Orchestration.Workflows.Tests;

/// <summary>Whole batches through the real runner script (runner/runner.sh), run by the local job runner
/// as detached processes, with the gcloud stand-in mapping gs:// onto the local object store, and through
/// the native executor over the same store. Embedded engine
/// only: they test the runner script and the local job runner, not the engine.</summary>
public sealed class RealRunnerTests
{
    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestration.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orchestration.sln not found.");
    }

    internal static Func<IServiceProvider, ICloudRunJobsClient> LocalRunner(string root) => LocalRunner(root, LocalExecutor.Script);

    /// <summary>The local job runner over <paramref name="root"/> with either executor (the native one needs no script, stand-in or Node per run).</summary>
    internal static Func<IServiceProvider, ICloudRunJobsClient> LocalRunner(string root, LocalExecutor executor)
    {
        var repo = RepositoryRoot();
        var options = new LocalRunnerOptions
        {
            StateFolder = Path.Combine(root, "executions"),
            Executor = executor,
            ObjectsRoot = Path.Combine(root, "gcs"),
            RunnerCommand = ["bash", Path.Combine(repo, "runner", "runner.sh")],
            ShimFolder = Path.Combine(repo, "runner", "local"),
            ExtraEnvironment = new Dictionary<string, string>(StringComparer.Ordinal) { ["GCS_LOCAL_ROOT"] = Path.Combine(root, "gcs") },
            MaxParallelExecutions = 4,
            PollInterval = TimeSpan.FromMilliseconds(100),
            KillGrace = TimeSpan.FromSeconds(2),
        };
        return sp => new LocalJobRunner(Options.Create(options), TimeProvider.System, NullLogger<LocalJobRunner>.Instance, sp.GetService<IExecutionEnds>());
    }

    [Theory]
    [InlineData(LocalExecutor.Script)]
    [InlineData(LocalExecutor.Native)]
    public async Task Batch_RealRunnerProcesses_JudgedWithInputsFlagsAndArtifacts(LocalExecutor executor)
    {
        await using var h = await WorkflowHarness.StartAsync(EngineKind.Embedded, jobs: root => LocalRunner(root, executor), settings: WorkflowHarness.RealRunnerSettings, realTime: true);
        var submitted = await h.Service.SubmitAsync(Encoding.UTF8.GetBytes("""
            {"id": "real", "maxParallelRuns": 4, "tasks": [
              {"id": "reads-input", "n": 3, "command": "cat input/config.json; mkdir -p output; echo '{\"flagged\": true}' > output/verdict.json",
               "inputs": {"config.json": {"text": "{\"strict\": true}"}}, "flags": {"v": {"verdictFile": "verdict.json"}, "strict": {"contains": "STRICT"}}},
              {"id": "fails", "n": 2, "command": "echo failing >&2; exit 7"}]}
            """));

        var done = await h.WaitAsync("real", 120);
        var summary = done.ReadOutputAs<Activities.Contracts.BatchSummary>()!;
        var rows = await h.Results.QueryRunsAsync(new RunQuery("real"));
        var stdout = await h.Service.GetArtifactAsync("real", "reads-input", 1, "stdout", null);
        var stderr = await h.Service.GetArtifactAsync("real", "fails", 0, "stderr", null);

        Assert.Equal(Workflows.Service.SubmitKind.Accepted, submitted.Kind);
        Assert.Equal(BatchStatus.Completed, summary.Status);
        Assert.Equal((3, 2, 3), (summary.Passed, summary.Failed, summary.Flagged));
        Assert.All(rows.Items.Where(r => r.TaskId == "reads-input"), r => Assert.Equal(["strict", "v"], r.Flags));
        Assert.All(rows.Items.Where(r => r.TaskId == "fails"), r => Assert.Equal(7, r.ExitCode));
        Assert.All(rows.Items, r => Assert.Equal(1, r.Attempts));
        await using (var content = stdout!.Value.Content)
        {
            Assert.Contains("{\"strict\": true}", Encoding.UTF8.GetString(await content.ReadAllBytesAsync()), StringComparison.Ordinal);
        }

        await using (var content = stderr!.Value.Content)
        {
            Assert.Contains("failing", Encoding.UTF8.GetString(await content.ReadAllBytesAsync()), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(LocalExecutor.Script)]
    [InlineData(LocalExecutor.Native)]
    public async Task Batch_RealRunnerTimeout_TimedOutWithPartialOutput(LocalExecutor executor)
    {
        await using var h = await WorkflowHarness.StartAsync(EngineKind.Embedded, jobs: root => LocalRunner(root, executor), settings: WorkflowHarness.RealRunnerSettings, realTime: true);
        await h.Service.SubmitAsync(Encoding.UTF8.GetBytes("""{"id": "slow", "tasks": [{"id": "t", "command": "echo started; sleep 60", "timeoutSeconds": 3}]}"""));

        var summary = (await h.WaitAsync("slow", 120)).ReadOutputAs<Activities.Contracts.BatchSummary>()!;
        var row = (await h.Results.GetRunAsync("slow", 0, 0))!;

        Assert.Equal(1, summary.TimedOut);
        Assert.Equal(RunOutcome.TimedOut, row.Outcome);
        Assert.Matches(@"^the work passed its time limit of 3 s \(ran [3-5]\.[0-9] s\)$", row.Reason);
        var stdout = await h.Service.GetArtifactAsync("slow", "t", 0, "stdout", null);
        await using var content = stdout!.Value.Content;
        Assert.Contains("started", Encoding.UTF8.GetString(await content.ReadAllBytesAsync()), StringComparison.Ordinal);
    }
}
