using Orchestration.Fakes;

namespace Orchestration.Workflows.Tests;

/// <summary>Plays the runner of every execution a <see cref="FakeCloudRunServer"/> creates, once <see cref="Harness"/> is
/// set (the fake starts before the harness: its URL goes into the adapter's settings). Each play counts as a working
/// runner from the <c>:run</c> on, so the skipping clock does not move while it plays.</summary>
internal sealed class FakeRunnerPlayer
{
    public FakeRunnerPlayer(FakeCloudRunServer run, Func<WorkflowHarness, FakeExecution, Task> play) =>
        run.ExecutionCreated += execution =>
        {
            var harness = Harness ?? throw new InvalidOperationException("An execution was created before the harness was set.");
            var working = harness.RunnerWorking();
            _ = Task.Run(async () =>
            {
                using (working)
                {
                    await play(harness, execution);
                }
            });
        };

    public WorkflowHarness? Harness { get; set; }
}
