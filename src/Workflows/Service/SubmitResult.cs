using Orchestration.Domain.Validation;

namespace Orchestration.Workflows.Service;

/// <summary>What a submission came to.</summary>
/// <param name="Kind">Accepted, invalid or conflict.</param>
/// <param name="BatchId">The batch id (when known).</param>
/// <param name="Created">True when this submission stored the batch; false for a repeat of the same one.</param>
/// <param name="Problems">The validation problems, when invalid.</param>
/// <param name="Reason">Why, for a conflict.</param>
public sealed record SubmitResult(SubmitKind Kind, string? BatchId, bool Created, IReadOnlyList<ValidationProblem> Problems, string? Reason)
{
    internal static SubmitResult Accepted(string id, bool created) => new(SubmitKind.Accepted, id, created, [], null);

    internal static SubmitResult Invalid(IReadOnlyList<ValidationProblem> problems) => new(SubmitKind.Invalid, null, false, problems, null);

    internal static SubmitResult Conflict(string id, string reason) => new(SubmitKind.Conflict, id, false, [], reason);
}
