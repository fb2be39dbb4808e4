using Orchestration.Activities.Contracts;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Stores;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Rejudging;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Steps;

/// <summary>Judges one chunk of a finished batch's runs again with a rejudge's rules, from what each run's last
/// attempt left (result.json and the captures the rules read), and stores the judgements for the version.</summary>
/// <remarks>Nothing is started and no row changes. A run whose last attempt left no result keeps its outcome (it
/// does not depend on rules); a run whose captures lack what a new rule reads is listed as not rejudgeable with
/// the reason. At-least-once: the same runs and rules give the same judgements, written over the same object.</remarks>
/// <param name="objects">The object store.</param>
/// <param name="results">The result store (rows as first judged).</param>
/// <param name="catalog">Stored batches (the tasks as they ran).</param>
public sealed class RejudgeRuns(IObjectStore objects, IResultStore results, BatchCatalog catalog) : IActivity<RejudgeChunkInput, RejudgeChunkSummary>
{
    /// <inheritdoc />
    public async Task<RejudgeChunkSummary> RunAsync(RejudgeChunkInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (_, batch) = await catalog.GetAsync(input.BatchId, input.Nonce, cancellationToken).ConfigureAwait(false);
        var prefix = RunnerContract.VersionPrefix(input.BatchId, input.Nonce, input.Version);
        var request = (await VersionObjects.ReadRequiredAsync(objects, input.BatchId, input.Nonce, input.Version, cancellationToken).ConfigureAwait(false)).Rejudge
            ?? throw new InvalidOperationException($"Results version {input.Version} of batch '{input.BatchId}' is no rejudge.");
        var ran = batch.Tasks[input.TaskOrdinal];
        var task = request.Tasks.GetValueOrDefault(ran.Id)?.Apply(ran) ?? ran;

        var records = new List<RunRecord>();
        var unjudged = new List<UnjudgedRun>();
        int rejudged = 0, changed = 0, kept = 0;
        for (var runIndex = input.FirstRun; runIndex < input.FirstRun + input.Count; runIndex++)
        {
            var row = await results.GetRunAsync(input.BatchId, input.TaskOrdinal, runIndex, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                // Never reported: the aggregate counts it as it did (cancelled), whatever the rules.
                kept++;
                continue;
            }

            var attempt = row.AttemptLog.Count > 0 ? row.AttemptLog.Max(a => a.Attempt) : row.Attempts;
            var attemptPrefix = RunnerContract.AttemptPrefix(input.BatchId, input.Nonce, ran.Id, runIndex, attempt);
            var (result, unreadable) = attempt < 1 ? (null, null) : await AttemptObjects.ReadResultAsync(objects, attemptPrefix, cancellationToken).ConfigureAwait(false);
            if (result is null || unreadable is not null)
            {
                records.Add(row.ToRecord());
                kept++;
                continue;
            }

            if (RejudgeCheck.Unjudgeable(task, result) is { } reason)
            {
                records.Add(row.ToRecord() with { NotRejudgeable = true });
                unjudged.Add(new UnjudgedRun(ran.Id, runIndex, reason));
                continue;
            }

            var texts = await AttemptObjects.ReadTextsAsync(objects, task, attemptPrefix, cancellationToken).ConfigureAwait(false);
            var judgement = Judge.EvaluateCaptured(task, result, texts);
            var record = row.ToRecord() with { Outcome = judgement.Outcome, Flags = judgement.Flags };
            records.Add(record);
            rejudged++;
            if (record.Outcome != row.Outcome || !record.Flags.Order(StringComparer.Ordinal).SequenceEqual(row.Flags.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            {
                changed++;
            }
        }

        var chunk = new RejudgeChunk(records, unjudged, rejudged, changed, kept);
        using var content = new MemoryStream(chunk.ToUtf8(), writable: false);
        await objects.PutAsync(ChunkObject(prefix, input.Chunk), content, "application/json", cancellationToken).ConfigureAwait(false);
        return new RejudgeChunkSummary(rejudged, changed, kept, unjudged.Count);
    }

    /// <summary>The object holding chunk <paramref name="chunk"/>'s judgements.</summary>
    /// <param name="prefix">The rejudge's prefix.</param>
    /// <param name="chunk">The chunk number.</param>
    /// <returns>The object name.</returns>
    internal static string ChunkObject(string prefix, int chunk) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}c{chunk}.json");

    /// <summary>Reads an object the rejudge wrote (its rules, a chunk's judgements); missing is an error.</summary>
    /// <param name="objects">The object store.</param>
    /// <param name="name">The object.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes.</returns>
    internal static async Task<ReadOnlyMemory<byte>> ReadRequiredAsync(IObjectStore objects, string name, CancellationToken cancellationToken)
    {
        await using var content = await objects.GetAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The rejudge object {name} is missing.");
        using var memory = new MemoryStream();
        await content.Stream.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
        return memory.ToArray();
    }
}
