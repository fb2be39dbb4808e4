namespace Orchestration.Durable.Bench;

/// <summary>A trivial activity: its input plus one.</summary>
internal sealed class IncActivity : TaskActivity<int, int>
{
    public const string Name = "BenchInc";

    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input + 1);
}
