using Orchestration.Activities.CloudRun;
using Orchestration.Adapters.LocalRunner;
using Orchestration.Tests.Waiting;

namespace Orchestration.Activities.Tests.LocalRunner;

public sealed class LocalJobRunnerLimitsTests : IDisposable
{
    private readonly LocalRunnerSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task RunExecution_MoreThanMaxParallel_ExtraOnesPendingAndBoundNeverExceeded()
    {
        // The executions hold until the test opens the gate, so what is running and what waits is known, not timed.
        var counter = _sandbox.PathOf("counter");
        var peaks = _sandbox.PathOf("peaks");
        var gate = _sandbox.PathOf("gate");
        File.WriteAllText(counter, "0");
        var script = _sandbox.Script("bounded.sh", $$"""
            bump() { flock "{{counter}}.lock" bash -c 'n=$(( $(cat "{{counter}}") + $1 )); echo $n > "{{counter}}"; echo $n >> "{{peaks}}"' _ "$1"; }
            bump 1
            while [ ! -e "{{gate}}" ]; do sleep 0.05; done
            bump -1
            """);
        var runner = _sandbox.Runner(script, o => o.MaxParallelExecutions = 2);
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-bounded"));

        var names = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            names.Add((await runner.RunExecutionAsync("job-bounded", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1))).ExecutionName!);
        }

        await Eventually.HoldsAsync(() => File.Exists(peaks) && File.ReadAllLines(peaks).Length == 2, "two executions run");
        var early = (await runner.ListExecutionsAsync("job-bounded")).Items;
        File.WriteAllText(gate, "");
        var done = new List<CloudRunExecution>();
        foreach (var name in names)
        {
            done.Add(await LocalRunnerSandbox.WaitTerminalAsync(runner, name));
        }

        var levels = File.ReadAllLines(peaks).Select(int.Parse).ToList();
        Assert.All(done, e => Assert.Equal(CloudRunExecutionState.Succeeded, e.State));
        Assert.Equal(4, early.Count(e => e.State == CloudRunExecutionState.Pending));
        Assert.Equal(2, early.Count(e => e.State == CloudRunExecutionState.Running));
        Assert.Equal(12, levels.Count);
        Assert.Equal(2, levels.Max());
        Assert.Equal("0", File.ReadAllText(counter).Trim());
    }

    [Fact]
    public async Task RunExecution_SlotFreedByExit_PendingOneStartsWithoutWaitingForThePollInterval()
    {
        // An hour-long poll interval: only the exit of a launched process can start the pending ones in time.
        var script = _sandbox.Script("quick.sh", "true");
        var runner = _sandbox.Runner(script, o =>
        {
            o.MaxParallelExecutions = 1;
            o.PollInterval = TimeSpan.FromHours(1);
        });
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-quick"));

        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            names.Add((await runner.RunExecutionAsync("job-quick", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1))).ExecutionName!);
        }

        var done = new List<CloudRunExecution>();
        foreach (var name in names)
        {
            done.Add(await LocalRunnerSandbox.WaitTerminalAsync(runner, name));
        }

        Assert.All(done, e => Assert.Equal(CloudRunExecutionState.Succeeded, e.State));
    }

    [Fact]
    public async Task Timeout_ScriptWithChild_WholeProcessGroupTerminatedAndFailedAsTimedOut()
    {
        var pids = _sandbox.PathOf("pids");
        var script = _sandbox.Script("slow.sh", $"""
            sleep 300 &
            echo "$$ $!" > "{pids}"
            wait
            """);
        var runner = _sandbox.Runner(script);
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-slow"));

        var started = await runner.RunExecutionAsync("job-slow", LocalRunnerSandbox.NoEnv(), TimeSpan.FromSeconds(1));
        var done = await LocalRunnerSandbox.WaitTerminalAsync(runner, started.ExecutionName!);
        var (scriptPid, childPid) = ReadPids(pids);
        await Task.Delay(200);

        Assert.Equal(CloudRunExecutionState.Failed, done.State);
        Assert.StartsWith("timed out after", done.FailureReason, StringComparison.Ordinal);
        Assert.InRange(done.CompletionTime!.Value - done.StartTime!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        Assert.False(LocalRunnerSandbox.ProcessExists(scriptPid), "the script is gone");
        Assert.False(LocalRunnerSandbox.ProcessExists(childPid), "its child sleep 300 is gone too");
    }

    [Fact]
    public async Task Timeout_ScriptIgnoresSigterm_GroupKilledAfterGrace()
    {
        var pids = _sandbox.PathOf("pids");
        var script = _sandbox.Script("stubborn.sh", $"""
            trap '' TERM
            sleep 300 &
            echo "$$ $!" > "{pids}"
            while true; do sleep 0.1; done
            """);
        var runner = _sandbox.Runner(script, o => o.KillGrace = TimeSpan.FromSeconds(1));
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-stubborn"));

        var started = await runner.RunExecutionAsync("job-stubborn", LocalRunnerSandbox.NoEnv(), TimeSpan.FromSeconds(1));
        var done = await LocalRunnerSandbox.WaitTerminalAsync(runner, started.ExecutionName!);
        var (scriptPid, childPid) = ReadPids(pids);
        await Task.Delay(200);

        Assert.Equal(CloudRunExecutionState.Failed, done.State);
        Assert.StartsWith("timed out after", done.FailureReason, StringComparison.Ordinal);
        Assert.True(done.CompletionTime - done.StartTime >= TimeSpan.FromSeconds(2), "SIGKILL came only after the grace");
        Assert.False(LocalRunnerSandbox.ProcessExists(scriptPid));
        Assert.False(LocalRunnerSandbox.ProcessExists(childPid));
    }

    [Fact]
    public async Task GetExecution_ProcessKilledFromOutside_FailedAsDisappeared()
    {
        var runner = _sandbox.Runner(_sandbox.Script("victim.sh", "sleep 300"));
        await runner.EnsureJobAsync(LocalRunnerSandbox.Job("job-victim"));
        var started = await runner.RunExecutionAsync("job-victim", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(5));
        await LocalRunnerSandbox.WaitAsync(runner, started.ExecutionName!, e => e.State == CloudRunExecutionState.Running);
        var pid = int.Parse(File.ReadAllText(Path.Combine(_sandbox.StateFolder, "executions", started.ExecutionId!, "pid")).Split(' ')[0]);

        LocalProcess.SignalGroup(pid, LocalProcess.SigKill);
        var done = await LocalRunnerSandbox.WaitTerminalAsync(runner, started.ExecutionName!);

        Assert.Equal(CloudRunExecutionState.Failed, done.State);
        Assert.Equal("the process disappeared without an exit code", done.FailureReason);
    }

    private static (int Script, int Child) ReadPids(string path)
    {
        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.TrimEntries);
        return (int.Parse(parts[0]), int.Parse(parts[1]));
    }
}
