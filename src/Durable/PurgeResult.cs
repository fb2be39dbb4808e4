namespace Orchestration.Durable;

/// <summary>The outcome of a purge, as Durable Task's <c>PurgeResult</c>.</summary>
/// <param name="PurgedInstanceCount">How many instances were deleted.</param>
public sealed record PurgeResult(int PurgedInstanceCount);
