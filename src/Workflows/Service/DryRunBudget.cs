namespace Orchestration.Workflows.Service;

/// <summary>The batch's cost cap beside its estimate, in a dry run.</summary>
/// <param name="MaxCostUsd">The cap (<c>maxCostUsd</c>).</param>
/// <param name="UpperExceedsCap">Whether the estimate's upper bound is over the cap: the batch may then stop before
/// every run has started.</param>
/// <param name="RunsWithinCap">How many runs, in launch order, fit in the cap at one attempt's upper bound each: that
/// many start unless retried attempts spend more.</param>
/// <param name="Note">What the cap does, in a sentence.</param>
public sealed record DryRunBudget(decimal MaxCostUsd, bool UpperExceedsCap, int RunsWithinCap, string Note);
