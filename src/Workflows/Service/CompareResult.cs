using Orchestration.Domain.Comparison;

namespace Orchestration.Workflows.Service;

/// <summary>What a comparison of two batches came to.</summary>
/// <param name="Kind">Accepted (compared), not found (a batch is unknown), conflict (a batch has no aggregate yet) or
/// invalid (the mapping names a task a batch does not have).</param>
/// <param name="Comparison">The comparison, when accepted.</param>
/// <param name="Reason">Why not, otherwise.</param>
public sealed record CompareResult(BatchActionResult Kind, BatchComparison? Comparison, string? Reason);
