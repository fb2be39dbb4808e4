namespace Orchestration.Durable.Bench;

/// <summary>Fans out one <see cref="IncActivity"/> per index and sums the results (fan-in), written against the
/// seam (src/Durable) as the product's orchestrators are, so the same code runs on every engine.</summary>
internal sealed class FanOutOrchestrator : TaskOrchestrator<int, long>
{
    public const string Name = "BenchFanOut";

    public override async Task<long> RunAsync(TaskOrchestrationContext context, int input)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, input).Select(i => context.CallActivityAsync<int>(IncActivity.Name, i)));
        return results.Sum(x => (long)x);
    }

    /// <summary>What the fan-out of <paramref name="count"/> activities returns.</summary>
    public static long Expected(int count) => Enumerable.Range(0, count).Sum(i => (long)i + 1);
}
