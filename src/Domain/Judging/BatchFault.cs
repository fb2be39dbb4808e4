namespace Orchestration.Domain.Judging;

/// <summary>A batch-level fault seen in one run: it feeds the batch's circuit breaker.</summary>
/// <param name="Kind">What kind of fault.</param>
/// <param name="Reason">A plain description, safe to show (no secrets).</param>
public sealed record BatchFault(BatchFaultKind Kind, string Reason);
