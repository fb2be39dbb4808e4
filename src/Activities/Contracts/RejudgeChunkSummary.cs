namespace Orchestration.Activities.Contracts;

/// <summary>What one rejudge chunk found (counts only; the judgements are in the object store).</summary>
/// <param name="Rejudged">Runs judged again from their stored result.</param>
/// <param name="Changed">Of those, runs whose outcome or flags changed.</param>
/// <param name="Kept">Runs without a result to judge, kept as they were.</param>
/// <param name="NotRejudgeable">Runs the new rules could not judge.</param>
public sealed record RejudgeChunkSummary(int Rejudged, int Changed, int Kept, int NotRejudgeable);
