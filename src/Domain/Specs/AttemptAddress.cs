namespace Orchestration.Domain.Specs;

/// <summary>Whose attempt an attempt prefix names (<see cref="RunnerContract.TryParseAttemptPrefix"/>).</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Nonce">The submission nonce.</param>
/// <param name="TaskId">The task id.</param>
/// <param name="RunIndex">The run index.</param>
/// <param name="Attempt">The attempt k, or null when the segment after the run index is not <c>a{k}</c>.</param>
public sealed record AttemptAddress(string BatchId, string Nonce, string TaskId, int RunIndex, int? Attempt);
