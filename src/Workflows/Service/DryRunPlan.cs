using Orchestration.Domain.Planning;

namespace Orchestration.Workflows.Service;

/// <summary>What a submission would do, planned without starting or storing anything (<c>POST /api/batches?dryRun=true</c>).</summary>
/// <param name="DryRun">Always true: marks the answer as a plan.</param>
/// <param name="Note">Says plainly that nothing was started or stored.</param>
/// <param name="BatchId">The batch id; null when the document names none and no idempotency key was given (a real submit generates one).</param>
/// <param name="Exists">Whether a batch with this id is stored already.</param>
/// <param name="ExistingStatus">Its status when it exists.</param>
/// <param name="SubmitWould">What a real submit of the same request would do, in a sentence.</param>
/// <param name="Runs">Runs in the batch.</param>
/// <param name="MaxParallelRuns">Runs in flight at most.</param>
/// <param name="Chunks">How the runs split into chunk orchestrations.</param>
/// <param name="Tasks">Per task: runs, job, input set and cost.</param>
/// <param name="Jobs">The Cloud Run jobs the batch would use.</param>
/// <param name="InputSets">The distinct input sets and what of them is already uploaded.</param>
/// <param name="Cost">The batch's estimated cost (the sum of its tasks').</param>
/// <param name="Prices">The prices the estimate uses.</param>
/// <param name="CostNote">How the estimate is made, and why the likely value may be missing.</param>
/// <param name="Warnings">Things a real submit would be accepted with but that would fail or cost without bound.</param>
/// <param name="Budget">The cost cap beside the estimate; null when the batch has none.</param>
public sealed record DryRunPlan(
    bool DryRun,
    string Note,
    string? BatchId,
    bool Exists,
    string? ExistingStatus,
    string SubmitWould,
    int Runs,
    int MaxParallelRuns,
    DryRunChunks Chunks,
    IReadOnlyList<DryRunTask> Tasks,
    IReadOnlyList<DryRunJob> Jobs,
    IReadOnlyList<DryRunInputSet> InputSets,
    CostEstimate Cost,
    DryRunPrices Prices,
    string CostNote,
    IReadOnlyList<string> Warnings,
    DryRunBudget? Budget = null);
