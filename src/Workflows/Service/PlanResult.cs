using Orchestration.Domain.Validation;

namespace Orchestration.Workflows.Service;

/// <summary>What a dry run came to: the plan, or every problem a submit would answer.</summary>
/// <param name="Plan">The plan when the document is valid.</param>
/// <param name="Problems">The validation problems, when invalid.</param>
public sealed record PlanResult(DryRunPlan? Plan, IReadOnlyList<ValidationProblem> Problems);
