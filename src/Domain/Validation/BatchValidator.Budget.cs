using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Validation;

/// <summary>Checks of the batch's cost cap (<c>maxCostUsd</c>).</summary>
public static partial class BatchValidator
{
    /// <summary>The largest <c>maxCostUsd</c> accepted.</summary>
    public const int MaxCostCapUsd = 1_000_000;

    // A capped batch reserves each run's most expensive attempt before starting it; a Claude task without
    // maxBudgetUsd has no such bound, so the cap could not be kept and the batch is refused instead.
    private static void CheckBudgetBound(ValidationContext context, string path, BatchDocument document, TaskDocument merged)
    {
        if (document.MaxCostUsd is null || merged.Prompt is null || merged.MaxBudgetUsd is not null)
        {
            return;
        }

        var kind = merged.Kind ?? (merged.Command is not null ? TaskKind.Command : TaskKind.Claude);
        if (kind == TaskKind.Claude)
        {
            context.Add(JsonPaths.Property(path, "maxBudgetUsd"),
                "A batch with maxCostUsd needs maxBudgetUsd on every Claude task: without it a run's cost has no upper bound, so the cap could not be kept.");
        }
    }
}
