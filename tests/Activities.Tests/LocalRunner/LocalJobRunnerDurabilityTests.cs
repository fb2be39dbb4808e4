using Orchestration.Activities.CloudRun;
using Orchestration.Tests.Waiting;

namespace Orchestration.Activities.Tests.LocalRunner;

/// <summary>
/// What the runner answers from memory for the executions it drives equals what the files say, and the execution
/// records written without fsync read sensibly when a machine crash left them empty.
/// </summary>
public sealed class LocalJobRunnerDurabilityTests : IDisposable
{
    private readonly LocalRunnerSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task GetExecution_NativeDrivenHereRunningThenEnded_SameAsASecondRunnerReadingTheFiles()
    {
        var gate = _sandbox.PathOf("gate");
        var effect = _sandbox.PathOf("effect.txt");
        var driving = _sandbox.NativeRunner();
        await driving.EnsureJobAsync(LocalRunnerSandbox.Job("job-memory"));
        var task = _sandbox.NativeTask($"echo started >> \"{effect}\"; while [ ! -e \"{gate}\" ]; do sleep 0.05; done; exit 3");
        var name = (await driving.RunExecutionAsync("job-memory", task, TimeSpan.FromMinutes(1))).ExecutionName!;
        await Eventually.HoldsAsync(() => File.Exists(effect), "the work started");

        // A second host on the same state folder cannot drive it (the driver's lock is held): it reads the files.
        var reading = _sandbox.NativeRunner();
        var runningHere = await driving.GetExecutionAsync(name);
        var runningInFiles = await reading.GetExecutionAsync(name);
        File.WriteAllText(gate, string.Empty);
        var endedHere = await LocalRunnerSandbox.WaitTerminalAsync(driving, name);
        var endedInFiles = await reading.GetExecutionAsync(name);
        var endedHereAgain = await driving.GetExecutionAsync(name);

        Assert.Equal(CloudRunExecutionState.Running, runningHere!.State);
        Assert.NotNull(runningHere.StartTime);
        Assert.Equal(runningInFiles! with { Environment = runningHere.Environment }, runningHere);
        Assert.Equal(CloudRunExecutionState.Succeeded, endedHere.State);
        Assert.Equal(endedInFiles! with { Environment = endedHere.Environment }, endedHere);
        Assert.Equal(endedHere, endedHereAgain);
        Assert.Equal(["started"], File.ReadAllLines(effect));
    }

    [Fact]
    public async Task GetExecution_NativeEndedThenMachineCrashEmptiedItsExitAndOutcome_NewHostWritesTheSameExitWithoutRunningTheWorkAgain()
    {
        var effect = _sandbox.PathOf("effect.txt");
        var first = _sandbox.NativeRunner();
        await first.EnsureJobAsync(LocalRunnerSandbox.Job("job-crash"));
        var task = _sandbox.NativeTask($"echo ran >> \"{effect}\"");
        var name = (await first.RunExecutionAsync("job-crash", task, TimeSpan.FromMinutes(1))).ExecutionName!;
        var before = await LocalRunnerSandbox.WaitTerminalAsync(first, name);
        first.Dispose();

        // What a machine crash may leave of files written without fsync on a file system that allocates late: empty files.
        var folder = Path.Combine(_sandbox.StateFolder, "executions", name[(name.LastIndexOf('/') + 1)..]);
        File.WriteAllBytes(Path.Combine(folder, "exit"), []);
        File.WriteAllBytes(Path.Combine(folder, "outcome.json"), []);
        var second = _sandbox.NativeRunner();
        var after = await LocalRunnerSandbox.WaitTerminalAsync(second, name);

        Assert.Equal(CloudRunExecutionState.Succeeded, before.State);
        Assert.Equal(CloudRunExecutionState.Succeeded, after.State);
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(folder, "exit")));
        Assert.Equal(["ran"], File.ReadAllLines(effect));
    }

    [Fact]
    public async Task GetExecution_MachineCrashEmptiedTheExecutionRecord_ReadsAsNotFound()
    {
        var first = _sandbox.NativeRunner();
        await first.EnsureJobAsync(LocalRunnerSandbox.Job("job-record"));
        var name = (await first.RunExecutionAsync("job-record", _sandbox.NativeTask("true"), TimeSpan.FromMinutes(1))).ExecutionName!;
        await LocalRunnerSandbox.WaitTerminalAsync(first, name);
        first.Dispose();

        File.WriteAllBytes(Path.Combine(_sandbox.StateFolder, "executions", name[(name.LastIndexOf('/') + 1)..], "execution.json"), []);
        var second = _sandbox.NativeRunner();
        var found = await second.GetExecutionAsync(name);
        var listed = await second.ListExecutionsAsync("job-record");

        Assert.Null(found);
        Assert.Empty(listed.Items);
    }
}
