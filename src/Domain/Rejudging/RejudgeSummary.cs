using System.Text.Json;

namespace Orchestration.Domain.Rejudging;

/// <summary>What a rejudged aggregate version says about the rejudge that made it.</summary>
/// <param name="Rules">The rules it applied (the request body, as sent).</param>
/// <param name="Rejudged">Runs judged again from their stored result.</param>
/// <param name="Changed">Of those, runs whose outcome or flags differ from their row (as first judged).</param>
/// <param name="Kept">Runs that left no result to judge (errored without one, timed out or cancelled before one, never
/// launched): their outcome does not depend on rules and is kept.</param>
/// <param name="NotRejudgeable">Runs the new rules could not judge, each with the reason.</param>
public sealed record RejudgeSummary(JsonElement Rules, int Rejudged, int Changed, int Kept, IReadOnlyList<UnjudgedRun> NotRejudgeable);

/// <summary>A run a rejudge could not judge.</summary>
/// <param name="Task">The task id.</param>
/// <param name="RunIndex">The run index.</param>
/// <param name="Reason">Why, in plain words.</param>
public sealed record UnjudgedRun(string Task, int RunIndex, string Reason);
