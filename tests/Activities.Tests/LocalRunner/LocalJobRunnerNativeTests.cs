using System.Text.Json;
using Orchestration.Activities.CloudRun;
using Orchestration.Tests.Waiting;

namespace Orchestration.Activities.Tests.LocalRunner;

/// <summary>The local job runner with the native executor: the same execution semantics as with the runner script.</summary>
public sealed class LocalJobRunnerNativeTests : IDisposable
{
    private readonly LocalRunnerSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task RunExecution_Native_SucceededWithResultJsonAndTheExecutorRecorded()
    {
        var runner = _sandbox.NativeRunner();
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-native"));
        var task = _sandbox.NativeTask("echo \"hello $CLOUD_RUN_EXECUTION\"; exit 4");

        var started = await runner.RunExecutionAsync("job-native", task, TimeSpan.FromMinutes(1));
        var done = await LocalRunnerSandbox.WaitTerminalAsync(runner, started.ExecutionName!);

        var id = started.ExecutionName![(started.ExecutionName!.LastIndexOf('/') + 1)..];
        Assert.Equal(CloudRunExecutionState.Succeeded, done.State);
        Assert.Equal($"hello {id}\n", _sandbox.AttemptObject(task, "stdout.txt"));
        using var result = JsonDocument.Parse(_sandbox.AttemptObject(task, "result.json")!);
        Assert.Equal(4, result.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Contains("\"Native\"", File.ReadAllText(Path.Combine(_sandbox.StateFolder, "executions", id, "execution.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelExecution_NativeRunning_WorkStoppedResultSaysCancelAndStateIsCancelled()
    {
        var effect = _sandbox.PathOf("effect.txt");
        var runner = _sandbox.NativeRunner();
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-cancel"));
        var task = _sandbox.NativeTask($"echo started >> \"{effect}\"; sleep 60; echo finished >> \"{effect}\"");
        var started = await runner.RunExecutionAsync("job-cancel", task, TimeSpan.FromMinutes(1));
        await Eventually.HoldsAsync(() => File.Exists(effect), "the work started");

        var accepted = await runner.CancelExecutionAsync(started.ExecutionName!);
        var done = await LocalRunnerSandbox.WaitTerminalAsync(runner, started.ExecutionName!);

        Assert.True(accepted);
        Assert.Equal(CloudRunExecutionState.Cancelled, done.State);
        using var result = JsonDocument.Parse(_sandbox.AttemptObject(task, "result.json")!);
        Assert.Equal("cancel", result.RootElement.GetProperty("termination").GetString());
        Assert.Equal(["started"], File.ReadAllLines(effect));
    }

    [Fact]
    public async Task RunExecution_NativePastTheExecutionTimeout_TerminatedAndFailedTimedOut()
    {
        var runner = _sandbox.NativeRunner();
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-slow"));
        var task = _sandbox.NativeTask("sleep 60");

        var started = await runner.RunExecutionAsync("job-slow", task, TimeSpan.FromSeconds(1));
        var done = await LocalRunnerSandbox.WaitTerminalAsync(runner, started.ExecutionName!);

        Assert.Equal(CloudRunExecutionState.Failed, done.State);
        Assert.Contains("timed out", done.FailureReason, StringComparison.Ordinal);
        using var result = JsonDocument.Parse(_sandbox.AttemptObject(task, "result.json")!);
        Assert.Equal("cancel", result.RootElement.GetProperty("termination").GetString());
    }

    [Fact]
    public async Task NewRunner_HostRestartWhileNativeWorkRuns_ReadoptedOneEffectSucceeded()
    {
        var effect = _sandbox.PathOf("effect.txt");
        var first = _sandbox.NativeRunner();
        await first.EnsureJobAsync(LocalRunnerSandbox.Job("job-restart"));
        var task = _sandbox.NativeTask($"echo started >> \"{effect}\"; sleep 1; echo \"$CLOUD_RUN_EXECUTION\" >> \"{effect}\"");
        var started = await first.RunExecutionAsync("job-restart", task, TimeSpan.FromMinutes(1));
        await Eventually.HoldsAsync(() => File.Exists(effect), "the work started");

        // The host goes away while the work runs: nothing is signalled, the work is detached.
        first.Dispose();
        var second = _sandbox.NativeRunner();
        var adopted = await second.GetExecutionAsync(started.ExecutionName!);
        var done = await LocalRunnerSandbox.WaitTerminalAsync(second, started.ExecutionName!);

        var id = started.ExecutionName![(started.ExecutionName!.LastIndexOf('/') + 1)..];
        Assert.Equal(CloudRunExecutionState.Running, adopted!.State);
        Assert.Equal(CloudRunExecutionState.Succeeded, done.State);
        Assert.Equal(["started", id], File.ReadAllLines(effect));
        using var result = JsonDocument.Parse(_sandbox.AttemptObject(task, "result.json")!);
        Assert.Equal(0, result.RootElement.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task RunExecution_ManyNative_ParallelismBoundHoldsAndEachRunsOnce()
    {
        var counter = _sandbox.PathOf("counter");
        var peaks = _sandbox.PathOf("peaks");
        var lines = _sandbox.PathOf("lines");
        File.WriteAllText(counter, "0");
        var command = $$"""
            bump() { flock "{{counter}}.lock" bash -c 'n=$(( $(cat "{{counter}}") + $1 )); echo $n > "{{counter}}"; echo $n >> "{{peaks}}"' _ "$1"; }
            bump 1
            sleep 0.3
            flock "{{lines}}.lock" bash -c 'echo "$CLOUD_RUN_EXECUTION" >> "{{lines}}"'
            bump -1
            """;
        var runner = _sandbox.NativeRunner(o => o.MaxParallelExecutions = 2);
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-bound"));
        var names = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            names.Add((await runner.RunExecutionAsync("job-bound", _sandbox.NativeTask(command), TimeSpan.FromMinutes(1))).ExecutionName!);
        }

        var done = new List<CloudRunExecution>();
        foreach (var name in names)
        {
            done.Add(await LocalRunnerSandbox.WaitTerminalAsync(runner, name, seconds: 60));
        }

        Assert.All(done, e => Assert.Equal(CloudRunExecutionState.Succeeded, e.State));
        Assert.True(File.ReadAllLines(peaks).Select(int.Parse).Max() <= 2, "at most two executions ran at once");
        Assert.Equal(names.Select(n => n[(n.LastIndexOf('/') + 1)..]).Order(StringComparer.Ordinal), File.ReadAllLines(lines).Order(StringComparer.Ordinal));
    }
}
