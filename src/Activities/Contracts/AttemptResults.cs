using Orchestration.Domain;
using Orchestration.Domain.Judging;

namespace Orchestration.Activities.Contracts;

/// <summary>The one mapping between <see cref="AttemptResult"/> and the strings the attempt log stores.</summary>
public static class AttemptResults
{
    /// <summary>The result of an attempt judged with <paramref name="outcome"/>.</summary>
    /// <param name="outcome">The judged outcome.</param>
    /// <returns>The attempt result of the same name.</returns>
    public static AttemptResult Of(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Passed => AttemptResult.Passed,
        RunOutcome.Failed => AttemptResult.Failed,
        RunOutcome.Errored => AttemptResult.Errored,
        RunOutcome.TimedOut => AttemptResult.TimedOut,
        RunOutcome.Cancelled => AttemptResult.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a run outcome."),
    };

    /// <summary>The name stored in the attempt log (and shown in its JSON): the camelCase name, as
    /// <c>BatchJson</c> writes the enum and the stores write a run's outcome.</summary>
    /// <param name="result">The attempt result.</param>
    /// <returns>For example "lost" or "timedOut".</returns>
    public static string Name(AttemptResult result) => WireNames.Of(result);
}
