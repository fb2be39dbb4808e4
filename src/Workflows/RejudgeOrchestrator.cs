using Orchestration.Activities.Contracts;
using Orchestration.Activities.Steps;
using Orchestration.Durable;

namespace Orchestration.Workflows;

/// <summary>Judges a finished batch's runs again with new rules (instance id <see cref="InstanceId"/>) and writes
/// the result as a new aggregate version; nothing is started and no run row changes.</summary>
/// <remarks>Each task's runs go in chunks of <see cref="ChunkRuns"/> to <see cref="RejudgeRuns"/>, a few at a time;
/// the judgements stay in the object store and only counts come back, so the history stays small whatever the
/// batch's size. A host that stops midway resumes it; every step is safe to run twice.</remarks>
public sealed class RejudgeOrchestrator : TaskOrchestrator<RejudgeInput, RejudgeChunkSummary>
{
    /// <summary>Runs per chunk.</summary>
    public const int ChunkRuns = 500;

    private const int ChunksAtOnce = 4;

    /// <summary>The rejudge making version <paramref name="version"/>: <c>{batchId}:rejudge:v{version}</c>, under the
    /// batch's own prefix, so purging the batch purges its rejudges' history too.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="version">The version.</param>
    /// <returns>The instance id.</returns>
    public static string InstanceId(string batchId, int version) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{batchId}:rejudge:v{version}");

    /// <inheritdoc />
    public override async Task<RejudgeChunkSummary> RunAsync(TaskOrchestrationContext context, RejudgeInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var retry = ActivityOptions.Retrying(input.ActivityAttempts);
        var chunks = new List<RejudgeChunkInput>();
        for (var ordinal = 0; ordinal < input.TaskRuns.Count; ordinal++)
        {
            for (var first = 0; first < input.TaskRuns[ordinal]; first += ChunkRuns)
            {
                chunks.Add(new RejudgeChunkInput(input.BatchId, input.Nonce, input.Version, chunks.Count, ordinal, first, Math.Min(ChunkRuns, input.TaskRuns[ordinal] - first)));
            }
        }

        var running = new List<Task<RejudgeChunkSummary>>();
        var next = 0;
        while (next < chunks.Count || running.Count > 0)
        {
            while (running.Count < ChunksAtOnce && next < chunks.Count)
            {
                running.Add(context.CallActivityAsync<RejudgeChunkSummary>(nameof(RejudgeRuns), chunks[next++], retry));
            }

            running.Remove(await Task.WhenAny(running));
        }

        return await context.CallActivityAsync<RejudgeChunkSummary>(nameof(PersistRejudge),
            new PersistRejudgeInput(input.BatchId, input.Nonce, input.Version, chunks.Count), retry);
    }
}
