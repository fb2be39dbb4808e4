namespace Orchestration.Domain.Planning;

/// <summary>Splits a batch's runs into chunks and decides how many chunks run at once.</summary>
/// <remarks>Runs are ordered round-robin across tasks (run 0 of every task, then run 1, ...), so the
/// first results cover every task and a cancelled or failed batch still has comparable counts per task.
/// No orchestration history then holds more than one chunk's worth of runs (DESIGN section 5).</remarks>
public static class ChunkPlanner
{
    /// <summary>The default number of runs per chunk.</summary>
    public const int DefaultChunkSize = 500;

    /// <summary>Every run of a batch in launch order.</summary>
    /// <param name="runCounts">Runs per task, indexed by task ordinal.</param>
    /// <returns>The runs, round-robin across tasks.</returns>
    public static IEnumerable<RunRef> LaunchOrder(IReadOnlyList<int> runCounts)
    {
        ArgumentNullException.ThrowIfNull(runCounts);
        var longest = runCounts.Count == 0 ? 0 : runCounts.Max();
        for (var index = 0; index < longest; index++)
        {
            for (var ordinal = 0; ordinal < runCounts.Count; ordinal++)
            {
                if (index < runCounts[ordinal])
                {
                    yield return new RunRef(ordinal, index);
                }
            }
        }
    }

    /// <summary>The chunks of a batch: consecutive slices of <see cref="LaunchOrder"/>.</summary>
    /// <param name="runCounts">Runs per task.</param>
    /// <param name="chunkSize">Runs per chunk, at least 1.</param>
    /// <returns>The chunks in order.</returns>
    public static IReadOnlyList<ChunkRange> Chunks(IReadOnlyList<int> runCounts, int chunkSize)
    {
        ArgumentNullException.ThrowIfNull(runCounts);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var total = runCounts.Sum();
        var chunks = new List<ChunkRange>((total + chunkSize - 1) / chunkSize);
        for (var start = 0; start < total; start += chunkSize)
        {
            chunks.Add(new ChunkRange(chunks.Count, start, Math.Min(chunkSize, total - start)));
        }

        return chunks;
    }

    /// <summary>The runs of one chunk.</summary>
    /// <param name="runCounts">Runs per task.</param>
    /// <param name="chunk">The chunk.</param>
    /// <returns>Its runs in launch order.</returns>
    public static IReadOnlyList<RunRef> RunsOf(IReadOnlyList<int> runCounts, ChunkRange chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return [.. LaunchOrder(runCounts).Skip(chunk.Start).Take(chunk.Count)];
    }

    /// <summary>How many chunks run at once and how many runs each keeps in flight, so that the total
    /// never exceeds <paramref name="maxParallelRuns"/>: K = ceil(maxParallelRuns / chunkSize) chunks
    /// (no more than there are), each with a window of floor(maxParallelRuns / K).</summary>
    /// <param name="maxParallelRuns">The batch's bound on runs in flight, at least 1.</param>
    /// <param name="chunkSize">Runs per chunk, at least 1.</param>
    /// <param name="chunkCount">Chunks in the batch.</param>
    /// <returns>The concurrency.</returns>
    public static ChunkConcurrency Concurrency(int maxParallelRuns, int chunkSize, int chunkCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallelRuns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var k = Math.Max(1, Math.Min((maxParallelRuns + chunkSize - 1) / chunkSize, chunkCount));
        var window = Math.Min(chunkSize, maxParallelRuns / k);
        return new ChunkConcurrency(k, Math.Max(1, window));
    }
}
