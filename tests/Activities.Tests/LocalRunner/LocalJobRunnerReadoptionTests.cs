using Orchestration.Activities.CloudRun;

namespace Orchestration.Activities.Tests.LocalRunner;

public sealed class LocalJobRunnerReadoptionTests : IDisposable
{
    private readonly LocalRunnerSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task NewRunner_HostGoneWhileExecutionsRun_ReadoptsRunningStartsQueuedEachRunsOnce()
    {
        var lines = _sandbox.PathOf("lines.txt");
        var script = _sandbox.Script("work.sh", $"""
            sleep 2
            flock "{lines}.lock" bash -c 'echo "$CLOUD_RUN_EXECUTION" >> "{lines}"'
            """);
        var first = _sandbox.Runner(script, o => o.MaxParallelExecutions = 2);
        await first.EnsureJobAsync(LocalRunnerSandbox.Job("job-work"));
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            names.Add((await first.RunExecutionAsync("job-work", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1))).ExecutionName!);
        }

        foreach (var name in names.Take(2))
        {
            await LocalRunnerSandbox.WaitAsync(first, name, e => e.State == CloudRunExecutionState.Running);
        }

        var queuedBefore = await first.GetExecutionAsync(names[2]);
        var pids = names.Take(2).Select(n => int.Parse(File.ReadAllText(Path.Combine(_sandbox.StateFolder, "executions", n[(n.LastIndexOf('/') + 1)..], "pid")).Split(' ')[0])).ToList();

        // The host goes away: its watcher stops, nothing is signalled; the executions are detached.
        first.Dispose();
        var aliveAfterHostGone = pids.All(LocalRunnerSandbox.ProcessExists);
        await Task.Delay(300);
        var stillPendingWithoutHost = File.Exists(Path.Combine(_sandbox.StateFolder, "executions", names[2][(names[2].LastIndexOf('/') + 1)..], "launched"));

        var second = _sandbox.Runner(script, o => o.MaxParallelExecutions = 2);
        var adopted = await Task.WhenAll(names.Take(2).Select(n => second.GetExecutionAsync(n)));
        var done = new List<CloudRunExecution>();
        foreach (var name in names)
        {
            done.Add(await LocalRunnerSandbox.WaitTerminalAsync(second, name));
        }

        Assert.Equal(CloudRunExecutionState.Pending, queuedBefore!.State);
        Assert.True(aliveAfterHostGone, "disposing the host leaves its executions running");
        Assert.False(stillPendingWithoutHost, "nobody starts the queued one while no host runs");
        Assert.All(adopted, e => Assert.Equal(CloudRunExecutionState.Running, e!.State));
        Assert.All(done, e => Assert.Equal(CloudRunExecutionState.Succeeded, e.State));
        var ids = names.Select(n => n[(n.LastIndexOf('/') + 1)..]).Order(StringComparer.Ordinal);
        Assert.Equal(ids, File.ReadAllLines(lines).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TwoRunnersOnOneStateFolder_UndisposedOldHostAndNewHost_EachExecutionStartsOnceWithinTheBound()
    {
        var lines = _sandbox.PathOf("lines.txt");
        var counter = _sandbox.PathOf("counter");
        var peaks = _sandbox.PathOf("peaks");
        File.WriteAllText(counter, "0");
        var script = _sandbox.Script("shared.sh", $$"""
            bump() { flock "{{counter}}.lock" bash -c 'n=$(( $(cat "{{counter}}") + $1 )); echo $n > "{{counter}}"; echo $n >> "{{peaks}}"' _ "$1"; }
            bump 1
            sleep 0.4
            flock "{{lines}}.lock" bash -c 'echo "$CLOUD_RUN_EXECUTION" >> "{{lines}}"'
            bump -1
            """);

        // The old host is dropped without disposing: its watcher keeps running next to the new one's.
        var old = _sandbox.Runner(script, o => o.MaxParallelExecutions = 2);
        await old.EnsureJobAsync(LocalRunnerSandbox.Job("job-shared"));
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            names.Add((await old.RunExecutionAsync("job-shared", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1))).ExecutionName!);
        }

        var current = _sandbox.Runner(script, o => o.MaxParallelExecutions = 2);
        for (var i = 0; i < 3; i++)
        {
            names.Add((await current.RunExecutionAsync("job-shared", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1))).ExecutionName!);
        }

        var done = new List<CloudRunExecution>();
        foreach (var name in names)
        {
            done.Add(await LocalRunnerSandbox.WaitTerminalAsync(current, name));
        }

        Assert.All(done, e => Assert.Equal(CloudRunExecutionState.Succeeded, e.State));
        var ids = names.Select(n => n[(n.LastIndexOf('/') + 1)..]).Order(StringComparer.Ordinal);
        Assert.Equal(ids, File.ReadAllLines(lines).Order(StringComparer.Ordinal));
        Assert.InRange(File.ReadAllLines(peaks).Select(int.Parse).Max(), 1, 2);
    }

    [Fact]
    public async Task NewRunner_HostDiedBetweenLaunchMarkerAndSpawn_FailedAfterLaunchGraceNotStarted()
    {
        var ran = _sandbox.PathOf("ran.txt");
        var script = _sandbox.Script("never.sh", $"echo ran >> \"{ran}\"");
        var dead = _sandbox.Runner(script);
        await dead.EnsureJobAsync(LocalRunnerSandbox.Job("job-never"));
        dead.Dispose();
        var started = await dead.RunExecutionAsync("job-never", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));
        File.WriteAllText(Path.Combine(_sandbox.StateFolder, "executions", started.ExecutionId!, "launched"), DateTimeOffset.UtcNow.ToString("O"));

        var next = _sandbox.Runner(script, o => o.LaunchGrace = TimeSpan.FromSeconds(1));
        var during = await next.GetExecutionAsync(started.ExecutionName!);
        var done = await LocalRunnerSandbox.WaitTerminalAsync(next, started.ExecutionName!);

        Assert.Equal(CloudRunExecutionState.Pending, during!.State);
        Assert.Equal(CloudRunExecutionState.Failed, done.State);
        Assert.Equal("the process never recorded its pid", done.FailureReason);
        Assert.False(File.Exists(ran), "a launch that may have happened is never repeated");
    }

    [Fact]
    public async Task Execution_LaunchingParentKilledWithSigkill_DetachedExecutionFinishesOnceAndIsReadopted()
    {
        // A parent process between the host and the execution, killed for real with SIGKILL while the
        // execution runs: it plays the crashed host. It launches through the runner's own wrapper and setsid.
        var lines = _sandbox.PathOf("lines.txt");
        var parentPidFile = _sandbox.PathOf("parent.pid");
        var parentChildFile = _sandbox.PathOf("parent-child.pid");
        var host = _sandbox.Script("host.sh", $"""
            echo $$ > "{parentPidFile}"
            /usr/bin/setsid "$@" &
            sleep 300 &
            echo $! > "{parentChildFile}"
            wait
            """);
        LocalRunnerSandbox.MakeExecutable(host);
        var script = _sandbox.Script("survivor.sh", $"""
            sleep 1.5
            echo "$CLOUD_RUN_EXECUTION" >> "{lines}"
            """);
        var first = _sandbox.Runner(script, o => o.SetsidPath = host);
        await first.EnsureJobAsync(LocalRunnerSandbox.Job("job-survivor"));
        var started = await first.RunExecutionAsync("job-survivor", LocalRunnerSandbox.NoEnv(), TimeSpan.FromMinutes(1));
        await LocalRunnerSandbox.WaitAsync(first, started.ExecutionName!, e => e.State == CloudRunExecutionState.Running);
        first.Dispose();
        var wrapperPid = int.Parse(File.ReadAllText(Path.Combine(_sandbox.StateFolder, "executions", started.ExecutionId!, "pid")).Split(' ')[0]);
        var parentPid = int.Parse(File.ReadAllText(parentPidFile));

        Assert.Equal(0, Kill(parentPid, 9));
        Assert.Equal(0, Kill(int.Parse(File.ReadAllText(parentChildFile)), 9));
        await Task.Delay(100);
        var parentGone = !LocalRunnerSandbox.ProcessExists(parentPid);
        var executionAlive = LocalRunnerSandbox.ProcessExists(wrapperPid);
        var (group, session) = GroupAndSession(wrapperPid);
        var second = _sandbox.Runner(script);
        var done = await LocalRunnerSandbox.WaitTerminalAsync(second, started.ExecutionName!);

        Assert.True(parentGone);
        Assert.True(executionAlive, "the execution outlives its SIGKILLed parent");
        Assert.Equal((wrapperPid, wrapperPid), (group, session));
        Assert.NotEqual(GroupAndSession(Environment.ProcessId).Session, session);
        Assert.Equal(CloudRunExecutionState.Succeeded, done.State);
        Assert.Equal([started.ExecutionId!], File.ReadAllLines(lines));
    }

    private static (int Group, int Session) GroupAndSession(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[2]), int.Parse(fields[3]));
    }

    private static int Kill(int pid, int signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
